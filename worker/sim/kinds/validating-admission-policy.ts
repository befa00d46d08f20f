// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1),
// which every cluster since 1.30 serves: the Gateway API's standard-install.yaml from v1.5.0 on ends
// with one of each (safe-upgrades.gateway.networking.k8s.io), so applying it verbatim needs both.
// Stored as the API server stores them (defaults.go: SetDefaults_ValidatingAdmissionPolicySpec's
// failurePolicy Fail, SetDefaults_MatchResources' matchPolicy Equivalent and empty selectors,
// SetDefaults_Rule's scope "*"), with the checks of ValidateValidatingAdmissionPolicy(Binding) a
// hand-written manifest meets, printers.go's columns and kubectl's generic describer. The API server
// evaluates the policies on writes in cluster/admission-policies.ts.
import { type StatusCause, invalid } from "../cluster/api-status.ts";
import { fieldNotSupported, fieldRequired, isDNS1123Subdomain } from "../cluster/field-errors.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { describeGeneric } from "../kubectl/printers/generic-describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

const GROUP = "admissionregistration.k8s.io";
type Fields = Record<string, unknown>;

export interface ValidatingAdmissionPolicy extends GenericObject {
  apiVersion: "admissionregistration.k8s.io/v1";
  kind: "ValidatingAdmissionPolicy";
  metadata: ObjectMeta;
  spec: Fields;
}

export interface ValidatingAdmissionPolicyBinding extends GenericObject {
  apiVersion: "admissionregistration.k8s.io/v1";
  kind: "ValidatingAdmissionPolicyBinding";
  metadata: ObjectMeta;
  spec: Fields;
}

const FAILURE_POLICIES = ["Fail", "Ignore"] as const;
const VALIDATION_ACTIONS = ["Audit", "Deny", "Warn"] as const;
const records = (value: unknown): Fields[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** A rule with SetDefaults_Rule's scope. */
const defaultRule = (rule: Fields): Fields => ({ ...rule, scope: rule.scope ?? "*" });

/** MatchResources in the API's field order, with SetDefaults_MatchResources applied. */
function defaultMatchResources(match: Fields): Fields {
  const out: Fields = {
    namespaceSelector: isRecord(match.namespaceSelector) ? match.namespaceSelector : {},
    objectSelector: isRecord(match.objectSelector) ? match.objectSelector : {},
  };
  if (match.resourceRules !== undefined) out.resourceRules = records(match.resourceRules).map(defaultRule);
  if (match.excludeResourceRules !== undefined) out.excludeResourceRules = records(match.excludeResourceRules).map(defaultRule);
  out.matchPolicy = match.matchPolicy ?? "Equivalent";
  return out;
}

function policyCauses(spec: Fields): StatusCause[] {
  const causes: StatusCause[] = [];
  if (spec.failurePolicy !== undefined && !FAILURE_POLICIES.includes(spec.failurePolicy as "Fail")) causes.push(fieldNotSupported("spec.failurePolicy", spec.failurePolicy, FAILURE_POLICIES));
  if (!isRecord(spec.matchConstraints)) causes.push(fieldRequired("spec.matchConstraints"));
  else if (records(spec.matchConstraints.resourceRules).length === 0) causes.push(fieldRequired("spec.matchConstraints.resourceRules"));
  const validations = records(spec.validations);
  if (validations.length === 0 && records(spec.auditAnnotations).length === 0) {
    causes.push(fieldRequired("spec.validations", "validations or auditAnnotations must contain at least one item"));
    causes.push(fieldRequired("spec.auditAnnotations", "validations or auditAnnotations must contain at least one item"));
    return causes;
  }
  validations.forEach((v, i) => {
    if (typeof v.expression !== "string" || v.expression.trim() === "") causes.push(fieldRequired(`spec.validations[${i}].expression`, "expression is not specified"));
  });
  return causes;
}

function bindingCauses(spec: Fields): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeof spec.policyName !== "string" || spec.policyName === "") causes.push(fieldRequired("spec.policyName"));
  const actions = Array.isArray(spec.validationActions) ? spec.validationActions : [];
  actions.forEach((a, i) => {
    if (!VALIDATION_ACTIONS.includes(a as "Deny")) causes.push(fieldNotSupported(`spec.validationActions[${i}]`, a, VALIDATION_ACTIONS));
  });
  if (actions.length === 0) causes.push(fieldRequired("spec.validationActions", "at least one validation action is required"));
  return causes;
}

/** The spec's fields in the Go struct's order (what -o json prints), defaults filled in. */
function defaultPolicySpec(spec: Fields): Fields {
  const out: Fields = {};
  if (spec.paramKind !== undefined) out.paramKind = spec.paramKind;
  if (isRecord(spec.matchConstraints)) out.matchConstraints = defaultMatchResources(spec.matchConstraints);
  if (spec.validations !== undefined) out.validations = spec.validations;
  out.failurePolicy = spec.failurePolicy ?? "Fail";
  for (const key of ["auditAnnotations", "matchConditions", "variables"]) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}

function defaultBindingSpec(spec: Fields): Fields {
  const out: Fields = { policyName: spec.policyName };
  if (spec.paramRef !== undefined) out.paramRef = spec.paramRef;
  if (isRecord(spec.matchResources)) out.matchResources = defaultMatchResources(spec.matchResources);
  out.validationActions = spec.validationActions;
  return out;
}

const specOf = (sub: unknown): Fields => (isRecord(sub) && isRecord(sub.spec) ? sub.spec : {});

export const validatingAdmissionPolicyKind: KindDefinition = {
  kind: "ValidatingAdmissionPolicy",
  group: GROUP,
  version: "v1",
  plural: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  shortNames: [],
  categories: ["api-extensions"],
  namespaced: false,
  storage: { resource: "validatingadmissionpolicies" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta: ObjectMeta) => {
      const spec = specOf(sub);
      const causes = policyCauses(spec);
      if (causes.length) return { ok: false, status: invalid("ValidatingAdmissionPolicy", GROUP, meta.name, causes) };
      const obj: ValidatingAdmissionPolicy = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: meta, spec: defaultPolicySpec(spec) };
      return { ok: true, obj };
    },
  },
  table: {
    columns: ["NAME", "VALIDATIONS", "PARAMKIND", "AGE"],
    narrow: 4,
    row: (o, now) => {
      const spec = (o as unknown as ValidatingAdmissionPolicy).spec ?? {};
      const param = isRecord(spec.paramKind) ? `${String(spec.paramKind.apiVersion ?? "")}/${String(spec.paramKind.kind ?? "")}` : "<unset>";
      return [o.metadata.name, String(records(spec.validations).length), param, age(o.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as ValidatingAdmissionPolicy, events, state.now),
};

export const validatingAdmissionPolicyBindingKind: KindDefinition = {
  kind: "ValidatingAdmissionPolicyBinding",
  group: GROUP,
  version: "v1",
  plural: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  shortNames: [],
  categories: ["api-extensions"],
  namespaced: false,
  storage: { resource: "validatingadmissionpolicybindings" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta: ObjectMeta) => {
      const spec = specOf(sub);
      const causes = bindingCauses(spec);
      if (causes.length) return { ok: false, status: invalid("ValidatingAdmissionPolicyBinding", GROUP, meta.name, causes) };
      const obj: ValidatingAdmissionPolicyBinding = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: meta, spec: defaultBindingSpec(spec) };
      return { ok: true, obj };
    },
  },
  table: {
    columns: ["NAME", "POLICYNAME", "PARAMREF", "AGE"],
    narrow: 4,
    row: (o, now) => {
      const spec = (o as unknown as ValidatingAdmissionPolicyBinding).spec ?? {};
      const ref = isRecord(spec.paramRef) ? spec.paramRef : undefined;
      // printValidatingAdmissionPolicyBinding: namespace/name, */name without a namespace, else the selector.
      let param = "<unset>";
      if (ref && typeof ref.name === "string" && ref.name !== "") param = `${typeof ref.namespace === "string" && ref.namespace !== "" ? ref.namespace : "*"}/${ref.name}`;
      return [o.metadata.name, String(spec.policyName ?? ""), param, age(o.metadata.creationTimestamp, now)];
    },
  },
  describe: (state, object, events) => describeGeneric(object as unknown as ValidatingAdmissionPolicyBinding, events, state.now),
};
