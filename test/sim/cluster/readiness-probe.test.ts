// Readiness probes: the kubelet probes a container when it starts and every periodSeconds after
// (HTTP GET from the node, TCP connect, or a command in the container). A failing one keeps the pod 0/1 and out of its
// Services' endpoints, with the kubelet's Unhealthy event; the probe is stored as the API server
// defaults it and described as kubectl describes it.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const console_ = () => simTerminal(41, 4000);

const pod = (name: string, probe: string, extra = "") =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx\n${extra}    readinessProbe:\n${probe}\nEOF`;

describe("readiness probes", () => {
  const run = console_();
  run(pod("good", "      httpGet: {path: /, port: 80}"));
  run(pod("bad", "      httpGet: {path: /healthz, port: 80}"));
  run(pod("tcp", "      tcpSocket: {port: http}", "    ports: [{name: http, containerPort: 80}]\n"));
  run(pod("closed", "      tcpSocket: {port: 8080}"));
  run("kubectl expose pod good --name web --port 80 --selector app=web");
  run("kubectl get pods");

  it("keep a pod whose probe fails unready and out of the endpoints", () => {
    const ready = (name: string) => run(`kubectl get pod ${name} -o jsonpath='{.status.containerStatuses[0].ready}'`).output;
    expect([ready("good"), ready("bad"), ready("tcp"), ready("closed")]).toEqual(["true", "false", "true", "false"]);
    expect(run("kubectl get pod bad").output).toMatch(/\nbad +0\/1 +Running +0 /);
    const ips = (name: string) => run(`kubectl get pod ${name} -o jsonpath='{.status.podIP}'`).output;
    // (Endpoints' deprecation warning comes first, on standard error.)
    const ipsOf = (output: string) => output.split("\n").pop()!.split(" ").sort();
    const addresses = ipsOf(run("kubectl get endpoints web -o jsonpath='{.subsets[0].addresses[*].ip}'").output);
    expect(addresses).toEqual([ips("good"), ips("tcp")].sort());
    const notReady = ipsOf(run("kubectl get endpoints web -o jsonpath='{.subsets[0].notReadyAddresses[*].ip}'").output);
    expect(notReady).toEqual([ips("bad"), ips("closed")].sort());
  });

  it("record the kubelet's Unhealthy events with its words", () => {
    expect(run("kubectl describe pod bad").output).toMatch(/Warning +Unhealthy +\d+s \(x\d+ over \d+s\) +kubelet +Readiness probe failed: HTTP probe failed with statuscode: 404\n/);
    const closedIP = run("kubectl get pod closed -o jsonpath='{.status.podIP}'").output;
    expect(run("kubectl describe pod closed").output).toContain(`Readiness probe failed: dial tcp ${closedIP}:8080: connect: connection refused`);
  });

  it("reach the container from the node, as nginx's access log shows", () => {
    expect(run("kubectl logs bad | tail -1").output).toMatch(/^10\.244\.\d+\.1 - - \[.*\] "GET \/healthz HTTP\/1\.1" 404 \d+ "-" "kube-probe\/1\.34" "-"\n$/);
  });

  it("are stored with the API server's defaults and described as kubectl does", () => {
    expect(run("kubectl get pod bad -o jsonpath='{.spec.containers[0].readinessProbe}'").output).toBe(
      '{"failureThreshold":3,"httpGet":{"path":"/healthz","port":80,"scheme":"HTTP"},"periodSeconds":10,"successThreshold":1,"timeoutSeconds":1}',
    );
    expect(run("kubectl describe pod bad").output).toContain("    Readiness:      http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3\n");
    expect(run("kubectl describe pod tcp").output).toContain("    Readiness:      tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=3\n");
  });

  it("run an exec probe in the container, and refuse a probe without a handler", () => {
    run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: execp\nspec:\n  containers:\n  - name: b\n    image: busybox\n    command: [sleep, '3600']\n    readinessProbe:\n      exec: {command: [cat, /tmp/healthy]}\nEOF");
    run("kubectl get pods");
    expect(run("kubectl describe pod execp").output).toContain("Readiness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    const refused = run(pod("nohandler", "      periodSeconds: 5"));
    expect(refused).toEqual({ output: 'The Pod "nohandler" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type\n', exitCode: 1 });
  });
});
