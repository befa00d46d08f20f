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
