// The StatefulSet controller as a learner meets it: ordered pods with stable names and DNS,
// recreation under the old name, scaling from the top, rolling updates held by a partition.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (replicas: number, image = "nginx:1.27", extra = "") => `kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: ${replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: ${image}
${extra}EOF`;

const podNames = (run: ReturnType<typeof simTerminal>) =>
  run("kubectl get pods -l app=nginx -o jsonpath='{range .items[*]}{.metadata.name}={.status.phase}/{.spec.containers[0].image} {end}'").output.trim().split(" ").filter(Boolean);

function settle(run: ReturnType<typeof simTerminal>, times = 15): void {
  for (let i = 0; i < times; i++) run("sleep 10");
}

describe("the StatefulSet controller", () => {
  it("creates web-0 first and web-1 only once web-0 is Running and Ready (OrderedReady)", () => {
    const run = simTerminal(11, 1000);
    run("kubectl create service clusterip nginx --clusterip=None --tcp=80:80");
    expect(run(manifest(3)).output).toBe("statefulset.apps/web created\n");
    const first = podNames(run);
    expect(first.map((p) => p.split("=")[0])).toEqual(["web-0"]);
    settle(run);
    expect(podNames(run)).toEqual(["web-0=Running/nginx:1.27", "web-1=Running/nginx:1.27", "web-2=Running/nginx:1.27"]);
    expect(run("kubectl get sts web").output).toMatch(/^NAME   READY   AGE\nweb    3\/3     \S+\n$/);
    const events = run("kubectl get events --field-selector involvedObject.kind=StatefulSet -o jsonpath='{range .items[*]}{.message}|{end}'").output;
    expect(events.split("|").filter(Boolean)).toEqual([0, 1, 2].map((i) => `create Pod web-${i} in StatefulSet web successful`));
  });

  it("gives each pod its hostname, the service as subdomain and the identity labels", () => {
    const run = simTerminal(12, 1000);
    run(manifest(1));
    settle(run, 3);
    const pod = JSON.parse(run("kubectl get pod web-0 -o json").output);
    expect(pod.spec.hostname).toBe("web-0");
    expect(pod.spec.subdomain).toBe("nginx");
    expect(pod.metadata.labels["statefulset.kubernetes.io/pod-name"]).toBe("web-0");
    expect(pod.metadata.labels["apps.kubernetes.io/pod-index"]).toBe("0");
    expect(pod.metadata.labels["controller-revision-hash"]).toMatch(/^web-[a-z0-9]+$/);
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: "StatefulSet", name: "web", controller: true });
  });

  it("makes a deleted pod again under the same name, with a new IP that its DNS name follows", () => {
    const run = simTerminal(13, 1000);
    run("kubectl create service clusterip nginx --clusterip=None --tcp=80:80");
    run(manifest(2));
    run("kubectl run bb --image=busybox -- sleep 3600");
    settle(run);
    const ipBefore = run("kubectl get pod web-0 -o jsonpath='{.status.podIP}'").output;
    expect(run("kubectl exec bb -- nslookup web-0.nginx.default.svc.cluster.local").output).toContain(`Name:\tweb-0.nginx.default.svc.cluster.local\nAddress: ${ipBefore}\n`);
    // A second pod takes the freed address first, so the new web-0 gets another one.
    run("kubectl delete pod web-0 --wait=false");
    run("kubectl run filler --image=nginx");
    settle(run);
    const ipAfter = run("kubectl get pod web-0 -o jsonpath='{.status.podIP}'").output;
    expect(ipAfter).not.toBe(ipBefore);
    expect(run("kubectl exec bb -- nslookup web-0.nginx.default.svc.cluster.local").output).toContain(`Address: ${ipAfter}\n`);
    expect(run("kubectl exec bb -- nslookup web-9.nginx.default.svc.cluster.local").output).toContain("** server can't find web-9.nginx.default.svc.cluster.local: NXDOMAIN");
  });

  it("scales down from the highest ordinal, one pod at a time", () => {
    const run = simTerminal(14, 1000);
    run(manifest(3));
    settle(run);
    expect(run("kubectl scale sts web --replicas=1").output).toBe("statefulset.apps/web scaled\n");
    // One pod at a time: while web-2 terminates, web-1 still runs.
    const during = run("kubectl get pods -l app=nginx").output;
    expect(during).not.toMatch(/web-1 .*Terminating[\s\S]*web-2 .*Terminating/);
    settle(run, 12);
    expect(podNames(run)).toEqual(["web-0=Running/nginx:1.27"]);
    const deletes = run("kubectl get events --field-selector reason=SuccessfulDelete -o jsonpath='{range .items[*]}{.message}|{end}'").output;
    expect(deletes.split("|").filter(Boolean)).toEqual(["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"]);
  });

  it("updates only the ordinals at or above the partition, then the rest when it is lowered", () => {
    const run = simTerminal(15, 1000);
    run(manifest(3, "nginx:1.27", "  updateStrategy:\n    rollingUpdate:\n      partition: 2\n"));
    settle(run);
    run("kubectl set image sts/web nginx=nginx:1.28");
    settle(run);
    expect(podNames(run)).toEqual(["web-0=Running/nginx:1.27", "web-1=Running/nginx:1.27", "web-2=Running/nginx:1.28"]);
    const status = JSON.parse(run("kubectl get sts web -o jsonpath='{.status}'").output);
    expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1 });
    expect(status.currentRevision).not.toBe(status.updateRevision);
    // A pod below the partition that is deleted comes back at the current revision.
    run("kubectl delete pod web-0 --wait=false");
    settle(run);
    expect(podNames(run)[0]).toBe("web-0=Running/nginx:1.27");
    run(`kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`);
    settle(run, 20);
    expect(podNames(run)).toEqual(["web-0=Running/nginx:1.28", "web-1=Running/nginx:1.28", "web-2=Running/nginx:1.28"]);
    const done = JSON.parse(run("kubectl get sts web -o jsonpath='{.status}'").output);
    expect(done.currentRevision).toBe(done.updateRevision);
    expect(done.currentReplicas).toBe(3);
  });

  it("rejects what ValidateStatefulSetSpec and ValidateStatefulSetUpdate reject", () => {
    const run = simTerminal(16, 1000);
    const bad = run(manifest(1, "nginx", "  podManagementPolicy: Sometimes\n"));
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toContain('spec.podManagementPolicy: Unsupported value: "Sometimes": supported values: "OrderedReady", "Parallel"');
    run(manifest(1));
    const changed = run(`kubectl patch sts web -p '{"spec":{"serviceName":"other"}}'`);
    expect(changed.exitCode).toBe(1);
    expect(changed.output).toBe(
      `The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n`,
    );
  });

  it("deletes the pods with their StatefulSet", () => {
    const run = simTerminal(17, 1000);
    run(manifest(2));
    settle(run);
    run("kubectl delete sts web");
    settle(run, 6);
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("answers kubectl rollout status, history, undo and restart in kubectl's words", () => {
    const run = simTerminal(18, 1000);
    run(manifest(2));
    expect(run("kubectl rollout status sts/web").output).toMatch(/partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/);
    run("kubectl set image sts/web nginx=nginx:1.28");
    expect(run("kubectl rollout status statefulset web").exitCode).toBe(0);
    expect(run("kubectl rollout history sts/web").output).toBe("statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
    expect(run("kubectl rollout history sts/web --revision=1").output).toContain("    Image:         nginx:1.27\n");
    expect(run("kubectl rollout undo sts/web").output).toBe("statefulset.apps/web rolled back\n");
    run("kubectl rollout status sts/web");
    settle(run, 3);
    expect(podNames(run)).toEqual(["web-0=Running/nginx:1.27", "web-1=Running/nginx:1.27"]);
    // The template rolled back to is revision 1 again, renumbered as the newest.
    expect(run("kubectl rollout history sts/web").output).toBe("statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n");
    expect(run("kubectl rollout undo sts/web --to-revision=9").output).toBe("error: unable to find specified revision 9 in history\n");
    expect(run("kubectl rollout restart sts/web").output).toBe("statefulset.apps/web restarted\n");
    run("kubectl rollout status sts/web");
    settle(run, 3);
    const restarted = run("kubectl get pod web-0 -o jsonpath='{.metadata.annotations}'").output;
    expect(restarted).toContain("kubectl.kubernetes.io/restartedAt");
  });

  it("refuses rollout status for OnDelete, as the status viewer does", () => {
    const run = simTerminal(19, 1000);
    run(manifest(1, "nginx", "  updateStrategy:\n    type: OnDelete\n"));
    const out = run("kubectl rollout status sts/web");
    expect(out.exitCode).toBe(1);
    expect(out.output).toBe("error: rollout status is only available for RollingUpdate strategy type\n");
  });
});
