// Helm's release storage, its default Secret driver (pkg/storage/driver/secrets.go): each revision
// is a Secret `sh.helm.release.v1.NAME.vN` of type helm.sh/release.v1 in the release's namespace,
// labelled name, owner=helm, status, version (and createdAt / modifiedAt, Unix seconds). Helm keeps
// the release as base64(gzip(JSON)) under data.release; here the JSON is kept base64-encoded
// without gzip (the Worker's bundle carries pako's inflate only), with what the commands read: the
// release's info, chart metadata, user values, manifest and hooks.

import { createObject, deleteObject, updateObject, type ApiContext } from "../cluster/api-server.ts";
import type { Tx } from "../cluster/tx.ts";
import type { ClusterState, SubmittedObject } from "../cluster/types.ts";
import { decodeBase64Bytes, encodeBase64Bytes, utf8Bytes, utf8Text } from "../base64.ts";
import type { ChartMetadata } from "./charts.ts";
import type { Hook, Values } from "./engine.ts";

export type ReleaseStatus = "unknown" | "deployed" | "uninstalled" | "superseded" | "failed" | "uninstalling" | "pending-install" | "pending-upgrade" | "pending-rollback";

/** release.Release as its JSON tags name the fields (the chart cut to its metadata). */
export interface Release {
  name: string;
  namespace: string;
  version: number;
  info: {
    first_deployed: string;
    last_deployed: string;
    deleted: string;
    description: string;
    status: ReleaseStatus;
    notes?: string;
  };
  chart: { metadata: ChartMetadata };
  config: Values;
  manifest: string;
  hooks: Hook[];
  /** Where the chart came from (this playground's: to render it again on upgrade). */
  source?: string;
}

export const RELEASE_TYPE = "helm.sh/release.v1";
const secretName = (name: string, version: number) => `sh.helm.release.v1.${name}.v${version}`;

interface SecretLike {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

function secretsOf(state: ClusterState): SecretLike[] {
  return Object.values((state.objects?.secrets ?? {}) as Record<string, SecretLike>);
}

function decode(secret: SecretLike): Release | undefined {
  const data = secret.data?.release;
  if (!data) return undefined;
  const bytes = decodeBase64Bytes(data);
  if (!bytes.ok) return undefined;
  try {
    return JSON.parse(utf8Text(bytes.bytes)) as Release;
  } catch {
    return undefined;
  }
}

/** The releases of a namespace (all namespaces when undefined), every revision, as the driver's List reads them. */
export function storedReleases(state: ClusterState, namespace: string | undefined): Release[] {
  const out: Release[] = [];
  for (const s of secretsOf(state)) {
    if (s.type !== RELEASE_TYPE || s.metadata.labels?.owner !== "helm") continue;
    if (namespace !== undefined && (s.metadata.namespace ?? "default") !== namespace) continue;
    const r = decode(s);
    if (r) out.push(r);
  }
  return out;
}

/** Storage.History: every revision of one release in the namespace, oldest first. */
export function releaseHistory(state: ClusterState, namespace: string, name: string): Release[] {
  return storedReleases(state, namespace)
    .filter((r) => r.name === name)
    .sort((a, b) => a.version - b.version);
}

function secretOf(release: Release, now: number, stamp: "createdAt" | "modifiedAt", previous?: Record<string, string>): SubmittedObject {
  const labels: Record<string, string> = { ...(previous ?? {}) };
  labels[stamp] = String(Math.floor(now / 1000));
  labels.name = release.name;
  labels.owner = "helm";
  labels.status = release.info.status;
  labels.version = String(release.version);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName(release.name, release.version), namespace: release.namespace, labels },
    type: RELEASE_TYPE,
    data: { release: encodeBase64Bytes(utf8Bytes(JSON.stringify(release))) },
  } as unknown as SubmittedObject;
}

/** Secrets.Create; the error as the driver wraps the API's. */
export function createRelease(tx: Tx, release: Release, api: ApiContext): string | undefined {
  const created = createObject(tx, secretOf(release, api.now, "createdAt"), api);
  if (created.ok) return undefined;
  if (created.status.reason === "AlreadyExists") return "release: already exists";
  return `create: failed to create: ${created.status.message}`;
}

/** Secrets.Update (the Secret replaced, createdAt kept). */
export function updateRelease(tx: Tx, release: Release, api: ApiContext): string | undefined {
  const name = secretName(release.name, release.version);
  const existing = secretsOf(tx.state).find((s) => s.metadata.name === name && (s.metadata.namespace ?? "default") === release.namespace);
  const object = secretOf(release, api.now, "modifiedAt", existing?.metadata.labels) as unknown as SecretLike;
  if (existing?.metadata.resourceVersion) object.metadata.resourceVersion = existing.metadata.resourceVersion;
  const updated = updateObject(tx, object as unknown as SubmittedObject, api);
  return updated.ok ? undefined : `update: failed to update: ${updated.status.message}`;
}

/** Secrets.Delete of one revision. */
export function deleteReleaseRecord(tx: Tx, release: Release, api: ApiContext): void {
  deleteObject(tx, "secrets", release.namespace, secretName(release.name, release.version), api);
}
