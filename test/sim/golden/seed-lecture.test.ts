// The seed's lecture end to end through the engine, failures included: the transcript (prompt,
// command, output, exit code, and each request's verdict) must match the golden file.

import { expect, it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2025, 10, 26, 10, 0, 0);

const SCRIPT = [
  "kubectl run nginx --image=nginx",
  "kubectl wait --for=condition=Ready pod/nginx",
  "kubectl get pods -o wide",
  "curl -m 3 {podIP}",
  "kubectl expose pod nginx --name nginx-svc --port 8080 --target-port 80 --type NodePort",
  "kubectl get svc nginx-svc",
  "curl -s 192.168.56.10:{nodePort} | head -4",
  "curl -sI 192.168.56.11:{nodePort}",
  "curl -s -o /dev/null -w '%{http_code}\\n' 192.168.56.12:{nodePort}",
  "curl --connect-timeout 2 {clusterIP}:8080",
  "ssh node01",
  "curl -s {clusterIP}:8080 | grep title",
  "curl -s {podIP} | grep h1",
  "curl nginx-svc:8080",
  "exit",
  "kubectl exec nginx -- curl -s nginx-svc:8080/nope",
  "kubectl delete pod nginx",
  "kubectl run nginx --image=nginx",
  "kubectl wait --for=condition=Ready pod/nginx",
  "kubectl get pods -o wide",
  "curl -s 192.168.56.11:{nodePort} | grep title",
  "kubectl run db --image=redis",
  "kubectl expose pod db --port 6379",
  "kubectl run app --image=busybox -- sleep 3600",
  "kubectl wait --for=condition=Ready pod/db pod/app",
  "kubectl exec app -- nslookup db",
  "kubectl exec app -- wget -qO- db:6379",
  "kubectl exec -it app -- sh",
  "cat /etc/resolv.conf",
  "wget -qO- nginx-svc:8080/missing",
  "ping -c 2 {clusterIP}",
  "exit",
  "kubectl logs nginx",
];

it("runs the seed's lecture, and fails where the lecture says it fails", async () => {
  let state = createSession({ seed: 2025, now: START });
  let now = START;
  let transcript = "";
  const vars: Record<string, string> = {};
  let prompt = "student@workstation:~$ ";
  for (const template of SCRIPT) {
    const line = template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
    now += 5000;
    const result = execute(state, line, { now });
    state = result.state;
    transcript += `${prompt}${line}\n${result.output}`;
    if (result.exitCode !== 0) transcript += `[exit ${result.exitCode}]\n`;
    for (const t of result.traces) transcript += `[route: ${t.verdict}${t.status ? ` ${t.status}` : ""}: ${t.hops.map((h) => h.label).join(" -> ")}]\n`;
    prompt = result.prompt;
    const pod = state.cluster.pods["default/nginx"];
    if (pod?.status.podIP) vars.podIP = pod.status.podIP;
    const svc = state.cluster.services["default/nginx-svc"];
    if (svc) {
      vars.clusterIP = svc.spec.clusterIP!;
      vars.nodePort = String(svc.spec.ports[0].nodePort);
    }
  }
  await expect(transcript).toMatchFileSnapshot("./seed-lecture.transcript.txt");
});
