// ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1): stored as the API server stores
// it (SetDefaults_ValidatingWebhook, SetDefaults_Rule, SetDefaults_ServiceReference), the checks
// ValidateValidatingWebhookConfiguration makes on each webhook's name, sideEffects and
// admissionReviewVersions, printers.go printValidatingWebhook (NAME, WEBHOOKS, AGE) and the generic
// describer kubectl uses for the kind. The API server calls the webhooks in
// cluster/admission-webhooks.ts.
import { type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldInvalid, fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface ValidatingWebhookConfiguration extends GenericObject {
  apiVersion: "admissionregistration.k8s.io/v1";
  kind: "ValidatingWebhookConfiguration";
  metadata: ObjectMeta;
  webhooks?: Array<Record<string, unknown>>;
}

const SIDE_EFFECTS = ["None", "NoneOnDryRun"] as const;
const REVIEW_VERSIONS = ["v1", "v1beta1"] as const;

function validateWebhook(hook: Record<string, unknown>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = typeof hook.name === "string" ? hook.name : "";
  if (name === "") causes.push(fieldRequired(`${path}.name`));
  else if (name.split(".").length < 3) causes.push(fieldInvalid(`${path}.name`, name, "should be a domain with at least three segments separated by dots"));
  if (hook.sideEffects === undefined) causes.push(fieldRequired(`${path}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(", ")}`));
  else if (!SIDE_EFFECTS.includes(hook.sideEffects as "None")) causes.push(fieldNotSupported(`${path}.sideEffects`, hook.sideEffects, SIDE_EFFECTS));
  const versions = Array.isArray(hook.admissionReviewVersions) ? hook.admissionReviewVersions : [];
  if (!versions.some((v) => REVIEW_VERSIONS.includes(v as "v1"))) {
    causes.push(fieldRequired(`${path}.admissionReviewVersions`, `must specify one of ${REVIEW_VERSIONS.join(", ")}`));
  }
  return causes;
}

/** The webhook with the v1 defaults filled in. */
function defaultWebhook(hook: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...hook };
  if (isRecord(hook.clientConfig) && isRecord(hook.clientConfig.service)) {
    const service = hook.clientConfig.service;
    out.clientConfig = { ...hook.clientConfig, service: { ...service, port: typeof service.port === "number" ? service.port : 443 } };
  }
  out.failurePolicy = hook.failurePolicy ?? "Fail";
  out.matchPolicy = hook.matchPolicy ?? "Equivalent";
  out.namespaceSelector = isRecord(hook.namespaceSelector) ? hook.namespaceSelector : {};
  out.objectSelector = isRecord(hook.objectSelector) ? hook.objectSelector : {};
  if (Array.isArray(hook.rules)) out.rules = hook.rules.map((r) => (isRecord(r) ? { ...r, scope: r.scope ?? "*" } : r));
  out.timeoutSeconds = typeof hook.timeoutSeconds === "number" ? hook.timeoutSeconds : 10;
  return out;
}

export const validatingWebhookConfigurationKind: KindDefinition = {
  kind: "ValidatingWebhookConfiguration",
  group: "admissionregistration.k8s.io",
  version: "v1",
  plural: "validatingwebhookconfigurations",
  singular: "validatingwebhookconfiguration",
  shortNames: [],
  categories: ["api-extensions"],
  namespaced: false,
  storage: { resource: "validatingwebhookconfigurations" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta: ObjectMeta) => {
      const raw = sub as unknown as Record<string, unknown>;
      const hooks = Array.isArray(raw.webhooks) ? raw.webhooks.filter(isRecord) : [];
      const causes = hooks.flatMap((h, i) => validateWebhook(h, `webhooks[${i}]`));
      if (causes.length) return { ok: false, status: invalid("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", meta.name, causes) };
      const obj: ValidatingWebhookConfiguration = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: meta };
      if (hooks.length) obj.webhooks = hooks.map(defaultWebhook);
      return { ok: true, obj };
    },
  },
  table: {
    columns: ["NAME", "WEBHOOKS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const c = o as unknown as ValidatingWebhookConfiguration;
      return [c.metadata.name, String(c.webhooks?.length ?? 0), age(c.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as ValidatingWebhookConfiguration, events, state.now),
};
