// Storage as a learner meets it at the console: the default local-path class, claims that wait
// for their first consumer, the provisioner's volumes, hand-made hostPath volumes, claims that
// cannot bind, and the protection finalizers.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const claim = (name: string, size: string, extra = "") =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\nspec:\n${extra}  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: ${size}\nEOF`;

const podWithClaim = (name: string, claimName: string) =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: ${claimName}\nEOF`;

const hostPathVolume = (name: string, size: string) =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: ${name}\nspec:\n  capacity:\n    storage: ${size}\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /mnt/${name}\nEOF`;

describe("storage", () => {
  it("has local-path as the default StorageClass, its provisioner running in local-path-storage", () => {
    const run = simTerminal(11);
    expect(run("kubectl get sc").output).toMatch(/^NAME {19}PROVISIONER {13}RECLAIMPOLICY {3}VOLUMEBINDINGMODE {6}ALLOWVOLUMEEXPANSION {3}AGE\nlocal-path \(default\) {3}rancher\.io\/local-path {3}Delete {10}WaitForFirstConsumer {3}false {18}\d+m\n$/);
    expect(run("kubectl get deploy -n local-path-storage").output).toMatch(/local-path-provisioner {3}1\/1 {5}1 {12}1 {11}/);
  });

  it("keeps a default-class claim Pending until a pod uses it, then provisions pvc-<uid> on the pod's node and binds both", () => {
    const run = simTerminal(12);
    expect(run(claim("data", "1Gi")).output).toBe("persistentvolumeclaim/data created\n");
    expect(run("kubectl get pvc data --no-headers").output).toMatch(/^data {3}Pending {21}local-path {3}<unset> {3}\d+s\n$/);
    expect(run("kubectl describe pvc data").output).toContain("Normal  WaitForFirstConsumer  ");
    expect(run("kubectl get pv").output).toBe("No resources found\n");
    run(podWithClaim("app", "data"));
    const uid = run("kubectl get pvc data -o jsonpath={.metadata.uid}").output;
    expect(run("kubectl get pvc data -o jsonpath={.status.phase}/{.spec.volumeName}").output).toBe(`Bound/pvc-${uid}`);
    const node = run("kubectl get pod app -o jsonpath={.spec.nodeName}").output;
    expect(run(`kubectl get pv pvc-${uid} -o jsonpath={.spec.hostPath.path}/{.spec.claimRef.name}/{.status.phase}`).output).toBe(`/opt/local-path-provisioner/pvc-${uid}_default_data/data/Bound`);
    expect(run(`kubectl get pv pvc-${uid} -o jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}`).output).toBe(node);
    const events = run("kubectl describe pvc data").output;
    for (const reason of ["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]) expect(events).toMatch(new RegExp(`Normal  ${reason} `));
    expect(events).toContain("Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator.");
    expect(events).toMatch(/Used By: +app\n/);
    run("kubectl wait --for=condition=Ready pod/app");
    expect(run("kubectl get pod app --no-headers").output).toMatch(/^app +1\/1 +Running/);
  });

  it("binds a claim of no class to the smallest hand-made volume that fits, and leaves a bigger one Available", () => {
    const run = simTerminal(13);
    run(hostPathVolume("small", "500Mi"));
    run(hostPathVolume("big", "5Gi"));
    run(hostPathVolume("fit", "2Gi"));
    expect(run("kubectl get pv small --no-headers").output).toMatch(/^small {3}500Mi {3}RWO {3}Retain {3}Available {15}<unset> {9}\d+s\n$/);
    run(claim("manual", "1Gi", '  storageClassName: ""\n'));
    expect(run("kubectl get pvc manual --no-headers").output).toMatch(/^manual {3}Bound {3}fit {3}2Gi {3}RWO {9}<unset> {3}\d+s\n$/);
    expect(run("kubectl get pv --no-headers").output.split("\n").map((l) => l.split(/ +/).slice(0, 6).join(" "))).toEqual([
      "big 5Gi RWO Retain Available <unset>",
      "fit 2Gi RWO Retain Bound default/manual",
      "small 500Mi RWO Retain Available <unset>",
      "",
    ]);
  });

  it("keeps a pod Pending with the scheduler's message while its claim cannot bind", () => {
    const run = simTerminal(14);
    run(claim("nothing", "1Gi", '  storageClassName: ""\n'));
    run(podWithClaim("waits", "nothing"));
    expect(run("kubectl get pod waits --no-headers").output).toMatch(/^waits +0\/1 +Pending/);
    const described = run("kubectl describe pod waits").output;
    expect(described).toContain("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    expect(run("kubectl describe pvc nothing").output).toContain("Warning  FailedBinding  ");
    // An administrator's volume arrives: the claim binds and the pod starts.
    run(hostPathVolume("late", "1Gi"));
    expect(run("kubectl get pvc nothing -o jsonpath={.status.phase}").output).toBe("Bound");
    run("kubectl wait --for=condition=Ready pod/waits");
    expect(run("kubectl get pod waits --no-headers").output).toMatch(/^waits +1\/1 +Running/);
    run(podWithClaim("lost", "missing"));
    expect(run("kubectl describe pod lost").output).toContain('0/3 nodes are available: persistentvolumeclaim "missing" not found.');
  });

  it("keeps a claim in use Terminating until its pod is gone, then deletes the provisioned volume", () => {
    const run = simTerminal(15);
    run(claim("data", "1Gi"));
    run(podWithClaim("app", "data"));
    const volume = run("kubectl get pvc data -o jsonpath={.spec.volumeName}").output;
    expect(run("kubectl delete pvc data").output).toBe('persistentvolumeclaim "data" deleted from default namespace\n');
    expect(run("kubectl get pvc data --no-headers").output).toMatch(/^data {3}Terminating {3}pvc-/);
    expect(run("kubectl describe pvc data").output).toMatch(/Status: +Terminating \(lasts \d+s\)\nVolume:/);
    run("kubectl delete pod app");
    run("kubectl get pods");
    expect(run("kubectl get pvc").output).toBe("No resources found in default namespace.\n");
    expect(run(`kubectl get pv ${volume}`).output).toBe(`Error from server (NotFound): persistentvolumes "${volume}" not found\n`);
  });

  it("answers invalid claims and volumes with the API server's errors", () => {
    const run = simTerminal(16);
    const noModes = `kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: bad\nspec:\n  resources: {}\nEOF`;
    expect(run(noModes).output).toBe(
      'The PersistentVolumeClaim "bad" is invalid: \n* spec.accessModes: Required value: at least 1 access mode is required\n* spec.resources[storage]: Required value\n',
    );
    const noSource = `kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: bad\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteSometimes]\nEOF`;
    expect(run(noSource).output).toBe(
      'The PersistentVolume "bad" is invalid: \n* spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"\n* spec: Required value: must specify a volume type\n',
    );
    const sc = `kubectl apply -f - <<EOF\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: example.com/fast\nreclaimPolicy: Recycle\nEOF`;
    expect(run(sc).output).toBe('The StorageClass "fast" is invalid: reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"\n');
  });

  it("gives each StatefulSet pod its claim <template>-<set>-<ordinal>, kept when the pod is made again", () => {
    const run = simTerminal(17);
    const sts = `kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: nginx\n  replicas: 2\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\nEOF`;
    expect(run(sts).output).toBe("statefulset.apps/web created\n");
    run("kubectl get pods");
    run("kubectl get pods");
    expect(run("kubectl get pvc -o custom-columns=NAME:.metadata.name,STATUS:.status.phase,APP:.metadata.labels.app --no-headers").output).toBe("www-web-0   Bound   nginx\nwww-web-1   Bound   nginx\n");
    expect(run("kubectl describe pod web-0").output).toMatch(/  www:\n    Type: +PersistentVolumeClaim \(a reference to a PersistentVolumeClaim in the same namespace\)\n    ClaimName: +www-web-0\n    ReadOnly: +false\n/);
    expect(run("kubectl describe sts web").output).toMatch(/Normal  SuccessfulCreate  \d+s +statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success\n/);
    const volume = run("kubectl get pvc www-web-0 -o jsonpath={.spec.volumeName}").output;
    run("kubectl delete pod web-0");
    run("kubectl get pods");
    expect(run("kubectl get pod web-0 -o jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName}").output).toBe("www-web-0");
    expect(run("kubectl get pvc www-web-0 -o jsonpath={.spec.volumeName}").output).toBe(volume);
    expect(run("kubectl get pvc --no-headers").output.split("\n").filter(Boolean).length).toBe(2);
  });
});
