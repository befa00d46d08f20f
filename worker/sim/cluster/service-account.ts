// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) as it mutates a new
// Pod: the service account's name (and its deprecated copy spec.serviceAccount), and the
// projected `kube-api-access-<5>` volume with the token, the cluster CA and the namespace,
// mounted read-only into every container at /var/run/secrets/kubernetes.io/serviceaccount.
import { appended, withProps } from "./compact.ts";
import { NAME_ALPHABET } from "./ids.ts";
import type { Container, PodSpec, Volume, VolumeMount } from "./types.ts";

export const SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const TOKEN_VOLUME_PREFIX = "kube-api-access-";
const TOKEN_VOLUME_PREFIX_CODES = Array.from(TOKEN_VOLUME_PREFIX, (c) => c.charCodeAt(0));

const freeze = <T>(value: T): T => {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) freeze(v);
    Object.freeze(value);
  }
  return value;
};

/** The volume's source, the same for every pod: one frozen object. */
const TOKEN_SOURCE: NonNullable<Volume["projected"]> = freeze({
  defaultMode: 420,
  sources: [
    // 3607: an hour plus the kubelet's 7 s of slack (a bound token is refreshed before expiry).
    { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
    { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
    { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
  ],
});

/** Static pods (mirror pods of the kubelet) are left alone by the plugin. */
export function isMirrorPod(annotations: Record<string, string> | undefined): boolean {
  return annotations !== undefined && ("kubernetes.io/config.mirror" in annotations || annotations["kubernetes.io/config.source"] === "file");
}

/**
 * `kube-api-access-` and the volume's 5-character suffix. The plugin draws it at random per pod; here it is drawn from a
 * (random) uid: the pod's own, or for a pod of a ReplicaSet the ReplicaSet's, so that its pods
 * keep sharing one spec object (a name of its own costs a pod ~0.5 KB of heap). Admitting a pod
 * so takes nothing from the session's random stream.
 */
function volumeNameOf(uid: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) h = Math.imul(h ^ uid.charCodeAt(i), 0x01000193);
  h >>>= 0;
  // Character codes made into one flat string: prefix + suffix would be a rope of two.
  const codes = TOKEN_VOLUME_PREFIX_CODES.slice();
  for (let i = 0; i < 5; i++) {
    codes.push(NAME_ALPHABET.charCodeAt(h % NAME_ALPHABET.length));
    h = Math.floor(h / NAME_ALPHABET.length);
  }
  return String.fromCharCode(...codes);
}

const admitted = new WeakMap<PodSpec, Map<string, PodSpec>>();
// The specs many pods share (equal defaulted specs, a controller's pods): a set of the few shared
// ones rather than of the pods' own specs, which would take an entry per pod (~1 MB for 30,000).
const sharedSpecs = new WeakSet<PodSpec>();

/** Marks a spec that equal pods share (never edited in place); returns it. */
export function markSharedSpec(spec: PodSpec): PodSpec {
  sharedSpecs.add(spec);
  return spec;
}

/** True for a spec that pods share, false for one of a single pod (its own token volume). */
export const isSharedSpec = (spec: PodSpec): boolean => sharedSpecs.has(spec);

/**
 * The pod spec as the plugin admits it on create; `uid` seeds the volume name. With `shared`
 * (the uid of a controller owning many pods) equal inputs give the very same object: specs are
 * shared, never edited in place.
 */
export function admitServiceAccount(spec: PodSpec, uid: string, mirror: boolean, shared: boolean): PodSpec {
  if (mirror) return spec;
  if (!shared) return admit(spec, uid);
  let byUid = admitted.get(spec);
  if (!byUid) admitted.set(spec, (byUid = new Map()));
  let out = byUid.get(uid);
  if (!out) byUid.set(uid, (out = markSharedSpec(admit(spec, uid))));
  return out;
}

function admit(spec: PodSpec, uid: string): PodSpec {
  const name = spec.serviceAccountName ?? "default";
  if (spec.automountServiceAccountToken === false) return { ...spec, serviceAccount: name, serviceAccountName: name };
  const existing = spec.volumes?.find((v) => v.name.startsWith(TOKEN_VOLUME_PREFIX))?.name;
  const volumeName = existing ?? volumeNameOf(uid);
  const volumes = existing ? spec.volumes : appended(spec.volumes, { name: volumeName, projected: TOKEN_SOURCE });
  // One literal with every key: V8 sizes the object once (adding keys later cost ~0.3 KB a pod).
  return { ...spec, containers: withTokenMount(spec.containers, volumeName), serviceAccount: name, serviceAccountName: name, volumes };
}

function withTokenMount(containers: Container[], volumeName: string): Container[] {
  return containers.map((c) => {
    if (c.volumeMounts?.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) return c;
    const mount: VolumeMount = { mountPath: SERVICE_ACCOUNT_MOUNT_PATH, name: volumeName, readOnly: true };
    return withProps(c, { volumeMounts: appended(c.volumeMounts, mount) });
  });
}

/**
 * An update that leaves out the token volume or its mounts keeps them: kubectl apply's strategic
 * merge keeps fields the manifest does not mention (the console merges with a JSON merge patch,
 * which would drop them and turn every re-apply of a pod into a forbidden change).
 */
export function keepServiceAccountVolume(spec: PodSpec, live: PodSpec): PodSpec {
  const token = live.volumes?.find((v) => v.name.startsWith(TOKEN_VOLUME_PREFIX));
  if (!token) return spec;
  const out: PodSpec = Object.assign({}, spec);
  if (!spec.volumes?.some((v) => v.name === token.name)) out.volumes = appended(spec.volumes, token);
  if (spec.serviceAccount === undefined && live.serviceAccount !== undefined) out.serviceAccount = live.serviceAccount;
  out.containers = spec.containers.map((c) => {
    const liveMount = live.containers.find((l) => l.name === c.name)?.volumeMounts?.find((m) => m.name === token.name);
    if (!liveMount || c.volumeMounts?.some((m) => m.mountPath === liveMount.mountPath)) return c;
    return withProps(c, { volumeMounts: appended(c.volumeMounts, liveMount) });
  });
  return out;
}
