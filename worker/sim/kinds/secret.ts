// Secret (core/v1): pkg/registry/core/secret/strategy.go with ValidateSecret(Update) per type,
// stringData folded into base64 data as the API server does, printers.go printSecret and
// describe.go SecretDescriber (sizes only, never the values).
import { badRequest, invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldForbidden, fieldInvalid, fieldRequired, isConfigMapKey, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { canonicalJson } from "../cluster/ids.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, writeNamespacedHeader } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { decodeBase64Bytes, encodeBase64, utf8Text } from "../base64.ts";
import { sortedStrings } from "./config-map.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface Secret extends GenericObject {
  apiVersion: "v1";
  kind: "Secret";
  metadata: ObjectMeta;
  /** Values base64-encoded, as the API serves them. */
  data?: Record<string, string>;
  type: string;
  immutable?: boolean;
}

/** A Secret's value as the bytes' text (what a container sees in its environment or file). */
export function secretValue(secret: Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  if (encoded === undefined) return undefined;
  const decoded = decodeBase64Bytes(encoded);
  return decoded.ok ? utf8Text(decoded.bytes) : undefined;
}

const byteLength = (encoded: string): number => {
  const decoded = decodeBase64Bytes(encoded);
  return decoded.ok ? decoded.bytes.length : 0;
};

const IMMUTABLE = "field is immutable when `immutable` is set";

/** ValidateSecret's checks for each type (keys in sorted order: Go ranges over a map). */
function validateSecret(secret: Secret, old: Secret | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  if (old) {
    if (secret.type !== old.type) causes.push(fieldInvalid("type", secret.type, "field is immutable"));
    if (old.immutable) {
      if (!secret.immutable) causes.push(fieldForbidden("immutable", IMMUTABLE));
      if (canonicalJson(secret.data ?? {}) !== canonicalJson(old.data ?? {})) causes.push(fieldForbidden("data", IMMUTABLE));
    }
  }
  const data = secret.data ?? {};
  for (const key of Object.keys(data)) for (const msg of isConfigMapKey(key)) causes.push(fieldInvalid(`data[${key}]`, key, msg));
  const has = (key: string) => Object.hasOwn(data, key);
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata.annotations?.["kubernetes.io/service-account.name"]) causes.push(fieldRequired("metadata.annotations[kubernetes.io/service-account.name]"));
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!has(key)) causes.push(fieldRequired(`data[${key}]`));
      else {
        const problem = jsonObjectError(secretValue(secret, key) ?? "");
        if (problem) causes.push(fieldInvalid(`data[${key}]`, "<secret contents redacted>", problem));
      }
      break;
    }
    case "kubernetes.io/basic-auth":
      // username or password may be empty, but one of the keys must be there.
      if (!has("username") && !has("password")) causes.push(fieldRequired("data[username]"), fieldRequired("data[password]"));
      break;
    case "kubernetes.io/ssh-auth":
      if (byteLength(data["ssh-privatekey"] ?? "") === 0) causes.push(fieldRequired("data[ssh-privatekey]"));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) causes.push(fieldRequired("data[tls.crt]"));
      if (!has("tls.key")) causes.push(fieldRequired("data[tls.key]"));
      break;
  }
  return causes;
}

/** json.Unmarshal into map[string]interface{}: its error for text that is not a JSON object. */
function jsonObjectError(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return trimmed === "" ? "unexpected end of JSON input" : `invalid character '${trimmed[0]}' looking for beginning of value`;
  }
  if (!isRecord(value)) return `json: cannot unmarshal ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "number" ? "number" : typeof value === "string" ? "string" : "bool"} into Go value of type map[string]interface {}`;
  return undefined;
}

/** describe.go describeSecret: sizes only (a service account token is shown, as kubectl does). */
function describeSecret(secret: Secret): string {
  const w = new PrefixWriter();
  writeNamespacedHeader(w, secret.metadata);
  w.write(0, `\nType:\t${secret.type}\n`);
  w.write(0, "\nData\n====\n");
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    if (k === "token" && secret.type === "kubernetes.io/service-account-token") w.write(0, `${k}:\t${secretValue(secret, k)}\n`);
    else w.write(0, `${k}:\t${byteLength(v)} bytes\n`);
  }
  return w.flush();
}

export const secretKind: KindDefinition = {
  kind: "Secret",
  group: "",
  version: "v1",
  plural: "secrets",
  singular: "secret",
  shortNames: [],
  categories: [],
  namespaced: true,
  storage: { resource: "secrets" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const raw = sub as unknown as Record<string, unknown>;
      const data: Record<string, string> = {};
      for (const [key, value] of Object.entries(sortedStrings(raw.data) ?? {})) {
        // Decoding the request fails before validation: the body is not a Secret at all.
        const decoded = decodeBase64Bytes(value);
        if (!decoded.ok) return { ok: false, status: badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${decoded.at}`) };
        data[key] = value;
      }
      // stringData is write-only: merged into data (winning over it), never stored.
      for (const [key, value] of Object.entries(sortedStrings(raw.stringData) ?? {})) data[key] = encodeBase64(value);
      const secret: Secret = { apiVersion: "v1", kind: "Secret", metadata: meta, type: typeof raw.type === "string" && raw.type !== "" ? raw.type : "Opaque" };
      const keys = Object.keys(data).sort();
      if (keys.length > 0) secret.data = Object.fromEntries(keys.map((k) => [k, data[k]]));
      if (typeof raw.immutable === "boolean") secret.immutable = raw.immutable;
      const causes = validateSecret(secret, old as Secret | undefined);
      return causes.length ? { ok: false, status: invalid("Secret", "", meta.name, causes) } : { ok: true, obj: secret };
    },
  },
  fieldSelectors: {
    labels: ["metadata.name", "metadata.namespace", "type"],
    values: (object) => ({ type: (object as unknown as Secret).type }),
  },
  table: {
    columns: ["NAME", "TYPE", "DATA", "AGE"],
    narrow: 4,
    row: (o, now) => {
      const s = o as unknown as Secret;
      return [s.metadata.name, s.type, String(Object.keys(s.data ?? {}).length), age(s.metadata.creationTimestamp, now)];
    },
  },
  describe: (_state, object) => describeSecret(object as unknown as Secret),
};
