// ServiceAccount (core/v1): pkg/registry/core/serviceaccount/strategy.go with
// ValidateServiceAccount, printers.go printServiceAccount (NAME SECRETS AGE) and describe.go
// describeServiceAccount (image pull, mountable and token secrets: kubectl 1.28-1.33 print all
// three, checked against the real clients through the session's API). The `default` account of
// every namespace is the service account controller's (cluster/service-account-controller.ts).
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, describeEvents, writeNamespacedHeader } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface ServiceAccount extends GenericObject {
  apiVersion: "v1";
  kind: "ServiceAccount";
  metadata: ObjectMeta;
  secrets?: Array<Record<string, string>>;
  imagePullSecrets?: Array<{ name: string }>;
  automountServiceAccountToken?: boolean;
}

/** ObjectReference / LocalObjectReference lists: the string fields a client sent, in order. */
function references(value: unknown, fields: readonly string[]): Array<Record<string, string>> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((item) => {
    const out: Record<string, string> = {};
    if (isRecord(item)) for (const f of fields) if (typeof item[f] === "string" && item[f] !== "") out[f] = item[f] as string;
    return out;
  });
}

const OBJECT_REFERENCE_FIELDS = ["apiVersion", "fieldPath", "kind", "name", "namespace", "resourceVersion", "uid"];

/**
 * describe.go describeServiceAccount: the three lists in their headers' sorted order, a pull or
 * mountable secret that does not exist marked "(not found)", tokens the Secrets of type
 * service-account-token that name this account (and its uid).
 */
function describeServiceAccount(sa: ServiceAccount, secrets: readonly GenericObject[], events: Parameters<typeof describeEvents>[1], now: number): string {
  const w = new PrefixWriter();
  writeNamespacedHeader(w, sa.metadata);
  const existing = new Set(secrets.map((s) => s.metadata.name));
  const found = (name: string) => (existing.has(name) ? name : `${name} (not found)`);
  const tokens = secrets.filter((s) => {
    const annotations = s.metadata.annotations ?? {};
    return (
      (s as { type?: string }).type === "kubernetes.io/service-account-token" &&
      annotations["kubernetes.io/service-account.name"] === sa.metadata.name &&
      (annotations["kubernetes.io/service-account.uid"] ?? "") === sa.metadata.uid
    );
  });
  const lists: Array<[string, string[]]> = [
    ["Image pull secrets:", (sa.imagePullSecrets ?? []).map((s) => found(s.name))],
    ["Mountable secrets: ", (sa.secrets ?? []).map((s) => found(s.name ?? ""))],
    ["Tokens:            ", tokens.map((s) => s.metadata.name)],
  ];
  for (const [header, names] of lists) {
    if (names.length === 0) w.write(0, `${header}\t<none>\n`);
    names.forEach((name, i) => w.write(0, `${i === 0 ? header : "                   "}\t${name}\n`));
  }
  describeEvents(w, events, now);
  return w.flush();
}

export const serviceAccountKind: KindDefinition = {
  kind: "ServiceAccount",
  group: "",
  version: "v1",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  shortNames: ["sa"],
  categories: [],
  namespaced: true,
  storage: { resource: "serviceaccounts" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta) => {
      const raw = sub as unknown as Record<string, unknown>;
      const sa: ServiceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: meta };
      const secrets = references(raw.secrets, OBJECT_REFERENCE_FIELDS);
      if (secrets) sa.secrets = secrets;
      const pull = references(raw.imagePullSecrets, ["name"]);
      if (pull) sa.imagePullSecrets = pull as Array<{ name: string }>;
      if (typeof raw.automountServiceAccountToken === "boolean") sa.automountServiceAccountToken = raw.automountServiceAccountToken;
      // ValidateServiceAccount checks the metadata only (the name, done by the generic path).
      return { ok: true, obj: sa };
    },
  },
  table: {
    columns: ["NAME", "SECRETS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const sa = o as unknown as ServiceAccount;
      return [sa.metadata.name, String(sa.secrets?.length ?? 0), age(sa.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => {
    const secrets = Object.values(state.objects?.secrets ?? {}).filter((s) => s.metadata.namespace === object.metadata.namespace);
    return describeServiceAccount(object as unknown as ServiceAccount, secrets, events, state.now);
  },
};
