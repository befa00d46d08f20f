// Rancher's local-path provisioner (github.com/rancher/local-path-provisioner, deploy/
// local-path-storage.yaml at v0.0.37), as kind and k3s ship it: the namespace local-path-storage
// with the provisioner's Deployment, its ServiceAccount and ConfigMap, and the default
// StorageClass `local-path` (provisioner rancher.io/local-path, WaitForFirstConsumer, Delete).
//
// The provisioner (provisioner.go Provision/Delete, through sig-storage-lib-external-provisioner)
// acts only while its pod is Running and Ready: for a claim of one of its classes that the PV
// controller handed to it and the scheduler gave a node, it makes the volume `pvc-<claim uid>`, a
// hostPath under /opt/local-path-provisioner/<pv>_<namespace>_<claim> on that node (node
// affinity to it), pre-bound to the claim, with the Provisioning and ProvisioningSucceeded events;
// a Released volume of a Delete class is deleted. What the helper pod does on the node (mkdir,
// rm -rf) happens at once here.
import type { PersistentVolume } from "../kinds/persistent-volume.ts";
import { type PersistentVolumeClaim, claimClass } from "../kinds/persistent-volume-claim.ts";
import { storageClassNamed } from "../kinds/storage-class.ts";
import { createObject } from "./api-server.ts";
import { podReady } from "./conditions.ts";
import type { ControllerContext } from "./controller-context.ts";
import { involvedObject, recordEvent } from "./events.ts";
import { nextResourceVersion, removeAt } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Pod, SubmittedObject } from "./types.ts";
import { SELECTED_NODE, VOLUMES, claimsOf, volumesOf } from "./volume-binding.ts";

export const LOCAL_PATH_NAMESPACE = "local-path-storage";
export const LOCAL_PATH_PROVISIONER = "rancher.io/local-path";
export const LOCAL_PATH_VERSION = "v0.0.37";
const BASE_PATH = "/opt/local-path-provisioner";
export const APP_LABEL = "local-path-provisioner";

export const CONFIG_JSON = `{
        "nodePathMap":[
        {
                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
                "paths":["${BASE_PATH}"]
        }
        ]
}`;
export const SETUP = `#!/bin/sh
set -eu
mkdir -m 0777 -p "$VOL_DIR"`;
export const TEARDOWN = `#!/bin/sh
set -eu
rm -rf "$VOL_DIR"`;
export const HELPER_POD = `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
  - name: helper-pod
    image: docker.io/library/busybox
    imagePullPolicy: IfNotPresent`;

/** The provisioner's running pod, if any (its events name it, as the library's identity does). */
function provisionerPod(tx: Tx): Pod | undefined {
  for (const key in tx.state.pods) {
    const pod = tx.state.pods[key];
    if (pod.metadata.namespace !== LOCAL_PATH_NAMESPACE || pod.metadata.labels?.app !== APP_LABEL) continue;
    if (!pod.metadata.deletionTimestamp && pod.status.phase === "Running" && podReady(pod)) return pod;
  }
  return undefined;
}

/** The host path of a provisioned volume: <base>/<pv>_<namespace>_<claim>. */
export const localPathOf = (pvName: string, pvc: { metadata: { namespace?: string; name: string } }): string => `${BASE_PATH}/${pvName}_${pvc.metadata.namespace ?? "default"}_${pvc.metadata.name}`;

export function localPathProvisioner(tx: Tx, ctx: ControllerContext): void {
  const claims = tx.state.objects?.persistentvolumeclaims;
  const volumes = tx.state.objects?.persistentvolumes;
  if (!claims && !volumes) return;
  const pod = provisionerPod(tx);
  if (!pod) return;
  // The library's identity: <provisioner>_<pod>_<a uuid of the process> (the pod's uid stands for it).
  const source = { component: `${LOCAL_PATH_PROVISIONER}_${pod.metadata.name}_${pod.metadata.uid}` };
  for (const key of Object.keys(claimsOf(tx.state)).sort()) {
    const pvc = claimsOf(tx.state)[key];
    if (pvc.status.phase !== "Pending" || pvc.metadata.deletionTimestamp || pvc.spec.volumeName) continue;
    if (pvc.metadata.annotations?.["volume.kubernetes.io/storage-provisioner"] !== LOCAL_PATH_PROVISIONER) continue;
    const sc = storageClassNamed(tx.state, claimClass(pvc));
    if (!sc || sc.provisioner !== LOCAL_PATH_PROVISIONER) continue;
    const name = `pvc-${pvc.metadata.uid}`;
    if (volumesOf(tx.state)[name]) continue;
    recordEvent(tx, involvedObject(pvc), "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`, source, ctx.now);
    const error = provisionError(pvc);
    if (error) {
      recordEvent(tx, involvedObject(pvc), "Warning", "ProvisioningFailed", `failed to provision volume with StorageClass "${sc.metadata.name}": ${error}`, source, ctx.now);
      continue;
    }
    const node = pvc.metadata.annotations![SELECTED_NODE]!;
    const pv = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name, annotations: { "local.path.provisioner/selected-node": node, "pv.kubernetes.io/provisioned-by": LOCAL_PATH_PROVISIONER } },
      spec: {
        accessModes: [...pvc.spec.accessModes],
        capacity: { storage: pvc.spec.resources.requests?.storage ?? "0" },
        claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", name: pvc.metadata.name, namespace: pvc.metadata.namespace, resourceVersion: pvc.metadata.resourceVersion, uid: pvc.metadata.uid },
        hostPath: { path: localPathOf(name, pvc), type: "DirectoryOrCreate" },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } },
        persistentVolumeReclaimPolicy: sc.reclaimPolicy,
        storageClassName: sc.metadata.name,
        volumeMode: "Filesystem",
      },
    } as unknown as SubmittedObject;
    const created = createObject(tx, pv, ctx);
    if (!created.ok) {
      recordEvent(tx, involvedObject(pvc), "Warning", "ProvisioningFailed", `failed to provision volume with StorageClass "${sc.metadata.name}": ${created.status.message}`, source, ctx.now);
      continue;
    }
    recordEvent(tx, involvedObject(pvc), "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name}`, source, ctx.now);
  }
  // Delete: a Released volume of ours whose policy is Delete goes, with its directory.
  for (const name of Object.keys(volumesOf(tx.state)).sort()) {
    const pv = volumesOf(tx.state)[name] as PersistentVolume;
    if (pv.status.phase !== "Released" || pv.spec.persistentVolumeReclaimPolicy !== "Delete") continue;
    if (pv.metadata.annotations?.["pv.kubernetes.io/provisioned-by"] !== LOCAL_PATH_PROVISIONER) continue;
    nextResourceVersion(tx);
    removeAt(tx, VOLUMES, name);
  }
}

/** provisioner.go's checks before it makes a volume. */
function provisionError(pvc: PersistentVolumeClaim): string | undefined {
  if (pvc.spec.selector) return "claim.Spec.Selector is not supported";
  if (pvc.spec.accessModes.some((m) => m !== "ReadWriteOnce" && m !== "ReadWriteOncePod")) return "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes";
  if (!pvc.metadata.annotations?.[SELECTED_NODE]) return "configuration error, no node was specified";
  return undefined;
}

