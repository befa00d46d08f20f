// RBAC (rbac.authorization.k8s.io/v1): Role, ClusterRole, RoleBinding, ClusterRoleBinding, stored
// as the API server stores them and not enforced (the console's user is cluster-admin, and the
// playground's controllers need no permission). Roles have no printers.go handler: the server's
// default table is NAME CREATED AT. Bindings print NAME ROLE AGE (-o wide USERS GROUPS
// SERVICEACCOUNTS). describe.go RoleDescriber / ClusterRoleDescriber show the rules broken down
// per resource and compacted (rbac.BreakdownRule, CompactRules, SortableRuleSlice);
// RoleBindingDescriber / ClusterRoleBindingDescriber the role and the subjects.
import { invalid, type StatusCause } from "../cluster/api-status.ts";
import { fieldNotSupported, fieldRequired } from "../cluster/field-errors.ts";
import type { GenericObject, ObjectMeta } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { isRecord } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

interface RbacObject extends GenericObject {
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: unknown;
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: Subject[];
}

const GROUP = "rbac.authorization.k8s.io";
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);

function readRule(raw: unknown): PolicyRule {
  const r = isRecord(raw) ? raw : {};
  const rule: PolicyRule = { verbs: strings(r.verbs) ?? [] };
  for (const key of ["apiGroups", "resources", "resourceNames", "nonResourceURLs"] as const) {
    const list = strings(r[key]);
    if (list) rule[key] = list;
  }
  return rule;
}

/** ValidatePolicyRule: verbs are required; a namespaced role has no non-resource URLs. */
function validateRules(rules: PolicyRule[], namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  rules.forEach((rule, i) => {
    if (rule.verbs.length === 0) causes.push(fieldRequired(`rules[${i}].verbs`, "verbs must contain at least one value"));
    if (rule.nonResourceURLs?.length) {
      if (namespaced) causes.push({ field: `rules[${i}].nonResourceURLs`, message: "Invalid value: " + `[]string{${rule.nonResourceURLs.map((u) => JSON.stringify(u)).join(", ")}}` + ": namespaced rules cannot apply to non-resource URLs" });
      if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) causes.push({ field: `rules[${i}].nonResourceURLs`, message: "Invalid value: " + `[]string{${rule.nonResourceURLs.map((u) => JSON.stringify(u)).join(", ")}}` + ": rules cannot apply to both regular resources and non-resource URLs" });
      return;
    }
    if (!rule.apiGroups?.length) causes.push(fieldRequired(`rules[${i}].apiGroups`, "resource rules must supply at least one api group"));
    if (!rule.resources?.length) causes.push(fieldRequired(`rules[${i}].resources`, "resource rules must supply at least one resource"));
  });
  return causes;
}

const SUBJECT_KINDS = ["ServiceAccount", "User", "Group"];

function validateBinding(obj: RbacObject, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = obj.roleRef;
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!ref || ref.apiGroup !== GROUP) causes.push(fieldNotSupported("roleRef.apiGroup", ref?.apiGroup ?? "", [GROUP]));
  if (!ref || !kinds.includes(ref.kind)) causes.push(fieldNotSupported("roleRef.kind", ref?.kind ?? "", kinds));
  if (!ref?.name) causes.push(fieldRequired("roleRef.name"));
  (obj.subjects ?? []).forEach((s, i) => {
    if (!s.name) causes.push(fieldRequired(`subjects[${i}].name`));
    if (s.kind === "ServiceAccount") {
      if (s.apiGroup) causes.push(fieldNotSupported(`subjects[${i}].apiGroup`, s.apiGroup, [""]));
      if (!namespaced && !s.namespace) causes.push(fieldRequired(`subjects[${i}].namespace`));
    } else if (s.kind === "User" || s.kind === "Group") {
      if (s.apiGroup !== GROUP) causes.push(fieldNotSupported(`subjects[${i}].apiGroup`, s.apiGroup ?? "", [GROUP]));
    } else causes.push(fieldNotSupported(`subjects[${i}].kind`, s.kind, SUBJECT_KINDS));
  });
  return causes;
}

function build(kind: string, namespaced: boolean, binding: boolean) {
  return (sub: unknown, meta: ObjectMeta): { ok: true; obj: RbacObject } | { ok: false; causes: StatusCause[] } => {
    const raw = sub as Record<string, unknown>;
    const obj: RbacObject = { apiVersion: `${GROUP}/v1`, kind, metadata: meta };
    if (binding) {
      if (isRecord(raw.roleRef)) obj.roleRef = { apiGroup: String(raw.roleRef.apiGroup ?? ""), kind: String(raw.roleRef.kind ?? ""), name: String(raw.roleRef.name ?? "") };
      if (Array.isArray(raw.subjects)) {
        obj.subjects = raw.subjects.map((s) => {
          const r = isRecord(s) ? s : {};
          const subject: Subject = { kind: String(r.kind ?? ""), name: String(r.name ?? "") };
          // SetDefaults_Subject: users and groups get the RBAC group.
          if (typeof r.apiGroup === "string") subject.apiGroup = r.apiGroup;
          else if (subject.kind === "User" || subject.kind === "Group") subject.apiGroup = GROUP;
          if (typeof r.namespace === "string") subject.namespace = r.namespace;
          return subject;
        });
      }
      const causes = validateBinding(obj, namespaced);
      return causes.length ? { ok: false, causes } : { ok: true, obj };
    }
    if (Array.isArray(raw.rules)) obj.rules = raw.rules.map(readRule);
    else if (!namespaced) obj.rules = undefined;
    if (!namespaced && isRecord(raw.aggregationRule)) obj.aggregationRule = raw.aggregationRule;
    const causes = validateRules(obj.rules ?? [], namespaced);
    return causes.length ? { ok: false, causes } : { ok: true, obj };
  };
}

/** rbac.BreakdownRule: one rule per group, resource and resource name; one per non-resource URL. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      if (rule.resourceNames?.length) for (const name of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], resourceNames: [name], verbs: rule.verbs });
      else out.push({ apiGroups: [group], resources: [resource], verbs: rule.verbs });
    }
  }
  for (const url of rule.nonResourceURLs ?? []) out.push({ nonResourceURLs: [url], verbs: rule.verbs });
  return out;
}

/** rbac.CompactRules: simple resource rules (one group, resource, at most one name) merge their verbs. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const isSimple = rule.apiGroups?.length === 1 && rule.resources?.length === 1 && (rule.resourceNames?.length ?? 0) <= 1 && !rule.nonResourceURLs?.length;
    if (!isSimple) {
      out.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames ?? []]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, { ...rule, verbs: [...rule.verbs] });
  }
  return [...out, ...simple.values()];
}

const goQuoted = (list: string[]): string => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** PolicyRule.String (CompactString): what SortableRuleSlice sorts by. */
function ruleString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoted(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoted(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoted(r.verbs)}`);
  return `PolicyRule{${parts.join(", ")}}`;
}

/** rbac.CombineResourceGroup: `resource.group[/subresource]`. */
function combineResourceGroup(resources: string[] | undefined, groups: string[] | undefined): string {
  if (!resources?.length) return "";
  const [resource, sub] = resources[0].split(/\/(.*)/s);
  let combined = resource;
  if (groups?.length && groups[0] !== "") combined += `.${groups[0]}`;
  if (sub !== undefined) combined += `/${sub}`;
  return combined;
}

const goList = (list: string[] | undefined): string => `[${(list ?? []).join(" ")}]`;

function describeRole(obj: RbacObject): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(obj.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(obj.metadata.annotations));
  w.write(0, "PolicyRule:\n");
  w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
  w.write(1, "---------\t-----------------\t--------------\t-----\n");
  const rules = compact((obj.rules ?? []).flatMap(breakdown));
  const keyed = rules.map((r) => ({ r, key: ruleString(r) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { r } of keyed) w.write(1, `${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  return w.flush();
}

function describeBinding(obj: RbacObject): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  writeMultiline(w, 0, "Labels", labelLines(obj.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(obj.metadata.annotations));
  w.write(0, "Role:\n");
  w.write(1, `Kind:\t${obj.roleRef?.kind ?? ""}\n`);
  w.write(1, `Name:\t${obj.roleRef?.name ?? ""}\n`);
  w.write(0, "Subjects:\n");
  w.write(1, "Kind\tName\tNamespace\n");
  w.write(1, "----\t----\t---------\n");
  for (const s of obj.subjects ?? []) w.write(1, `${s.kind}\t${s.name}\t${s.namespace ?? ""}\n`);
  return w.flush();
}

/** The server's default table column: creationTimestamp in RFC 3339. */
const createdAt = (timestamp: string | undefined): string => (timestamp ? new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, "Z") : "");

/** rbac.SubjectsStrings: users, groups and `namespace:name` service accounts. */
function subjectsStrings(subjects: Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
    else if (s.kind === "ServiceAccount") sas.push(`${s.namespace ?? ""}:${s.name}`);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

function rbacKind(kind: string, plural: string, namespaced: boolean, binding: boolean): KindDefinition {
  const builder = build(kind, namespaced, binding);
  return {
    kind,
    group: GROUP,
    version: "v1",
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced,
    storage: { resource: plural },
    strategy: {
      // ValidateRBACName: path segment names (any name without / or %, not . or ..).
      validateName: (name) => (name === "." || name === ".." ? [`may not be '${name}'`] : /[/%]/.test(name) ? [`may not contain '${name.includes("/") ? "/" : "%"}'`] : []),
      build: (_tx, sub, meta) => {
        const built = builder(sub, meta);
        return built.ok ? { ok: true, obj: built.obj } : { ok: false, status: invalid(kind, GROUP, meta.name, built.causes) };
      },
    },
    table: binding
      ? {
          columns: ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"],
          narrow: 3,
          row: (o, now) => {
            const b = o as unknown as RbacObject;
            return [b.metadata.name, `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`, age(b.metadata.creationTimestamp, now), ...subjectsStrings(b.subjects)];
          },
        }
      : {
          columns: ["NAME", "CREATED AT"],
          narrow: 2,
          row: (o) => [(o as unknown as RbacObject).metadata.name, createdAt((o as unknown as RbacObject).metadata.creationTimestamp as string | undefined)],
        },
    describe: (_state, object) => (binding ? describeBinding(object as unknown as RbacObject) : describeRole(object as unknown as RbacObject)),
  };
}

export const clusterRoleBindingKind = rbacKind("ClusterRoleBinding", "clusterrolebindings", false, true);
export const clusterRoleKind = rbacKind("ClusterRole", "clusterroles", false, false);
export const roleBindingKind = rbacKind("RoleBinding", "rolebindings", true, true);
export const roleKind = rbacKind("Role", "roles", true, false);
