// The kubelet's configMap and secret volumes as a container sees them: each key (or each item's
// path) a file under the mount path, from the object as it is now, the mount read-only
// (the kubelet mounts API-data volumes read-only, so writes get EROFS). A mount hides what the
// image had under its path. A pod whose object or key is missing never starts (cluster/volume-mount.ts).
import { decodeBase64Bytes, utf8Text } from "../base64.ts";
import type { ConfigMap } from "../kinds/config-map.ts";
import { secretValue, type Secret } from "../kinds/secret.ts";
import type { Container, Pod } from "../cluster/types.ts";
import type { ClusterState } from "../cluster/types.ts";

export interface MountedFile {
  data: string;
  mode: number;
}

export interface VolumeMountView {
  /** Absolute mount path, no trailing slash. */
  path: string;
  /** Path relative to the mount ("a/b.txt") -> the file. */
  files: Map<string, MountedFile>;
}

const DEFAULT_MODE = 0o644;

/** The configMap and secret volumes mounted in the container, with their files as of now. */
export function apiDataMounts(state: ClusterState, pod: Pod, container: Container): VolumeMountView[] {
  const namespace = pod.metadata.namespace ?? "default";
  const out: VolumeMountView[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec.volumes?.find((v) => v.name === mount.name);
    if (!volume || mount.subPath) continue;
    let values: Map<string, string> | undefined;
    let source: { defaultMode?: number; items?: Array<{ key: string; path: string; mode?: number }> } | undefined;
    if (volume.configMap) {
      source = volume.configMap;
      const cm = state.objects?.configmaps?.[`${namespace}/${volume.configMap.name}`] as ConfigMap | undefined;
      values = new Map(Object.entries(cm?.data ?? {}));
      for (const [key, encoded] of Object.entries(cm?.binaryData ?? {})) {
        const decoded = decodeBase64Bytes(encoded);
        if (decoded.ok) values.set(key, utf8Text(decoded.bytes));
      }
    } else if (volume.secret) {
      source = volume.secret;
      const secret = state.objects?.secrets?.[`${namespace}/${volume.secret.secretName}`] as Secret | undefined;
      values = new Map(Object.keys(secret?.data ?? {}).map((key) => [key, secret ? (secretValue(secret, key) ?? "") : ""]));
    }
    if (!values || !source) continue;
    const defaultMode = source.defaultMode ?? DEFAULT_MODE;
    const files = new Map<string, MountedFile>();
    if (source.items?.length) {
      for (const item of source.items) {
        const data = values.get(item.key);
        if (data !== undefined) files.set(item.path, { data, mode: item.mode ?? defaultMode });
      }
    } else {
      for (const [key, data] of values) files.set(key, { data, mode: defaultMode });
    }
    out.push({ path: mountPathOf(mount.mountPath), files });
  }
  return out;
}

function mountPathOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/**
 * A writable volume mounted in a container: what is written under `path` is stored on another
 * machine at `target`, so it outlives the container (emptyDir: the pod; hostPath and
 * local-path PersistentVolumes: the node's own directory, where `ssh NODE` finds it).
 */
export interface VolumeBind {
  /** The mount path in the container. */
  path: string;
  /** The store key of the machine that holds the data (files/store.ts). */
  machine: string;
  /** The directory on that machine ("/" for a volume of its own). */
  target: string;
  /**
   * The mode the volume's directory is made with on the node: the kubelet makes a hostPath
   * (DirectoryOrCreate) 0755; local-path's helper pod runs `mkdir -m 0777 -p` for a claim.
   */
  rootMode?: number;
}

/** The store key of a pod's emptyDir volume: it lives as long as the pod, whatever its containers do. */
export function emptyDirMachine(podUid: string, volume: string): string {
  return `pod/${podUid}/volume/${volume}`;
}

/** The writable volumes mounted in the container: emptyDir, hostPath, and claims bound to a hostPath or local volume. */
export function writableBinds(state: ClusterState, pod: Pod, container: Container, nodeMachineOf: (node: string) => string): VolumeBind[] {
  const namespace = pod.metadata.namespace ?? "default";
  const node = pod.spec.nodeName;
  const out: VolumeBind[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec.volumes?.find((v) => v.name === mount.name);
    if (!volume) continue;
    const sub = mount.subPath ? `/${mount.subPath.replace(/^\/+|\/+$/g, "")}` : "";
    const path = mountPathOf(mount.mountPath);
    if (volume.emptyDir && pod.metadata.uid) {
      out.push({ path, machine: emptyDirMachine(pod.metadata.uid, volume.name), target: sub || "/" });
    } else if (volume.hostPath && node) {
      out.push({ path, machine: nodeMachineOf(node), target: mountPathOf(volume.hostPath.path) + sub, rootMode: 0o755 });
    } else if (volume.persistentVolumeClaim && node) {
      const claimName = (volume.persistentVolumeClaim as { claimName?: string }).claimName;
      const claim = state.objects?.persistentvolumeclaims?.[`${namespace}/${claimName}`] as { spec?: { volumeName?: string } } | undefined;
      const pv = claim?.spec?.volumeName ? (state.objects?.persistentvolumes?.[claim.spec.volumeName] as { spec?: { hostPath?: { path: string }; local?: { path: string } } } | undefined) : undefined;
      const dir = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
      if (dir) out.push({ path, machine: nodeMachineOf(node), target: mountPathOf(dir) + sub, rootMode: 0o777 });
    }
  }
  return out;
}

/** Where a path of the container is stored: through the last bind that covers it, else undefined. */
export function boundPath(binds: readonly VolumeBind[], path: string): { machine: string; path: string; bind: VolumeBind } | undefined {
  for (let i = binds.length - 1; i >= 0; i--) {
    const bind = binds[i]!;
    if (!isUnder(bind.path, path)) continue;
    const rest = path.slice(bind.path === "/" ? 0 : bind.path.length);
    const mapped = bind.target === "/" ? rest || "/" : `${bind.target}${rest === "/" ? "" : rest}`;
    return { machine: bind.machine, path: mapped, bind };
  }
  return undefined;
}

/** Whether `path` is the mount point or under it. */
export function isUnder(mount: string, path: string): boolean {
  return path === mount || path.startsWith(mount === "/" ? "/" : `${mount}/`);
}

/**
 * What a process in the container reads at `path` when a mount covers it: the mounted file,
 * "gone" (the mount hides whatever was there), or undefined when no mount covers the path.
 */
export function mountedFileAt(mounts: VolumeMountView[], path: string): MountedFile | "gone" | undefined {
  // The last mount of a path wins, as a later mount covers an earlier one.
  for (let i = mounts.length - 1; i >= 0; i--) {
    const mount = mounts[i]!;
    if (!isUnder(mount.path, path)) continue;
    return mount.files.get(path.slice(mount.path.length + 1)) ?? "gone";
  }
  return undefined;
}
