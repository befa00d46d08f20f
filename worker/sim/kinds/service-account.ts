// ServiceAccount (core/v1): pkg/registry/core/serviceaccount/strategy.go with
// ValidateServiceAccount, printers.go printServiceAccount (NAME SECRETS AGE) and describe.go
// describeServiceAccount (image pull secrets only, since kubectl 1.28). The `default` account of
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

function describeServiceAccount(sa: ServiceAccount, events: Parameters<typeof describeEvents>[1], now: number): string {
  const w = new PrefixWriter();
  writeNamespacedHeader(w, sa.metadata);
  const names = (sa.imagePullSecrets ?? []).map((s) => s.name);
  if (names.length === 0) w.write(0, "Image pull secrets:\t<none>\n");
  names.forEach((name, i) => w.write(0, `${i === 0 ? "Image pull secrets:" : "                   "}\t${name}\n`));
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
  describe: (state, object, events) => describeServiceAccount(object as unknown as ServiceAccount, events, state.now),
};
