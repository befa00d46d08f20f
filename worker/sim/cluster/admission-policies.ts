// The ValidatingAdmissionPolicy admission plugin (apiserver's validatingadmissionpolicy, which runs
// before the webhooks): each binding's policy whose matchConstraints (and the binding's
// matchResources) take the request has its validations evaluated (cluster/cel.ts) with `object` and
// `oldObject`; with validationActions Deny, a false one refuses the request with the validation's
// message and reason, an expression's error does so under failurePolicy Fail. The Gateway API's
// standard-install.yaml from v1.5.0 installs one (safe-upgrades), which refuses older bundles' CRDs.
import type { KindDefinition } from "../kinds/types.ts";
import { isRecord } from "../kinds/templates.ts";
import { type AdmissionOperation, type Rule, ruleMatches, selectorsMatch } from "./admission-webhooks.ts";
import { type ApiStatus, qualifiedResource } from "./api-status.ts";
import { CelError, evaluateCel } from "./cel.ts";
import type { ClusterState, KubeObject, LabelSelector } from "./types.ts";

type Fields = Record<string, unknown>;
interface PolicyObject {
  metadata: { name: string };
  spec: Fields;
}

/**
 * StatusReason -> HTTP code (reasonToCode in the plugin's validator): Forbidden 403, Invalid (the
 * default) 422. Unauthorized (401) and RequestEntityTooLarge (413) are answered as Invalid here: the
 * simulated API's statuses do not have those reasons.
 */
const statusOf = (reason: string): { code: number; reason: "Forbidden" | "Invalid" } => (reason === "Forbidden" ? { code: 403, reason } : { code: 422, reason: "Invalid" });

function matchResources(state: ClusterState, match: unknown, def: KindDefinition, operation: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!isRecord(match)) return true;
  const rules = (Array.isArray(match.resourceRules) ? match.resourceRules : []) as Rule[];
  if (!rules.some((r) => ruleMatches(r, def, operation))) return false;
  const excluded = (Array.isArray(match.excludeResourceRules) ? match.excludeResourceRules : []) as Rule[];
  if (excluded.some((r) => ruleMatches(r, def, operation))) return false;
  return selectorsMatch(state, def, match.namespaceSelector as LabelSelector | undefined, match.objectSelector as LabelSelector | undefined, obj, old);
}

/** The status that refuses the request, or undefined when every binding's policy admits it. */
export function admissionPolicies(state: ClusterState, def: KindDefinition, operation: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): ApiStatus | undefined {
  const bindings = state.objects?.validatingadmissionpolicybindings as Record<string, PolicyObject> | undefined;
  const policies = state.objects?.validatingadmissionpolicies as Record<string, PolicyObject> | undefined;
  if (!bindings || !policies) return undefined;
  // admission.NewForbidden's status with the validation's reason and its message as a field-less cause.
  const denied = (policy: string, binding: string, message: string, reason: string): ApiStatus => {
    const text = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`;
    return {
      ...statusOf(reason),
      message: `${qualifiedResource(def.plural as never, def.group)} "${obj.metadata.name}" is forbidden: ${text}`,
      details: { name: obj.metadata.name, ...(def.group ? { group: def.group } : {}), kind: def.plural, causes: [{ field: "", message: text }] },
    };
  };
  for (const name of Object.keys(bindings).sort()) {
    const binding = bindings[name].spec;
    const actions = Array.isArray(binding.validationActions) ? binding.validationActions : [];
    if (!actions.includes("Deny")) continue;
    const policyName = String(binding.policyName ?? "");
    const policy = Object.hasOwn(policies, policyName) ? policies[policyName].spec : undefined;
    if (!policy || !matchResources(state, policy.matchConstraints, def, operation, obj, old) || !matchResources(state, binding.matchResources, def, operation, obj, old)) continue;
    const env = { object: obj as unknown, oldObject: (old ?? null) as unknown };
    for (const v of (Array.isArray(policy.validations) ? policy.validations : []) as Fields[]) {
      const expression = String(v.expression ?? "");
      const reason = typeof v.reason === "string" ? v.reason : "Invalid";
      let result: unknown;
      try {
        result = evaluateCel(expression, env);
      } catch (e) {
        if (!(e instanceof CelError) || policy.failurePolicy === "Ignore") continue;
        return denied(policyName, name, `expression '${expression}' resulted in error: ${e.message}`, reason);
      }
      if (result !== true) return denied(policyName, name, typeof v.message === "string" && v.message !== "" ? v.message : `failed expression: ${expression}`, reason);
    }
  }
  return undefined;
}
