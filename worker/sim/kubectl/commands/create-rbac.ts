// kubectl create role | clusterrole | rolebinding | clusterrolebinding: create_role.go,
// create_clusterrole.go, create_rolebinding.go and create_clusterrolebinding.go (v1.33): one rule
// per API group from --verb and --resource, and bindings of users, groups and service accounts.

import type { SubmittedObject } from "../../cluster/types.ts";
import { dryRunFlag, saveConfigFlag, outputFlag, templateFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { goQuote } from "../../go-quote.ts";
import { lookupResource } from "../resources.ts";
import { createAndPrint, dryRunOf, requireOneName } from "./common.ts";

const RBAC = "rbac.authorization.k8s.io";

/** validResourceVerbs of create_role.go: others are allowed, with a warning. */
const VALID_RESOURCE_VERBS = ["*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"];

/** specialVerbs: the only group/resources these verbs may name. */
const SPECIAL_VERBS: Readonly<Record<string, ReadonlyArray<[group: string, resource: string]>>> = {
  use: [["policy", "podsecuritypolicies"], ["extensions", "podsecuritypolicies"]],
  bind: [[RBAC, "roles"], [RBAC, "clusterroles"]],
  escalate: [[RBAC, "roles"], [RBAC, "clusterroles"]],
  impersonate: [["", "users"], ["", "serviceaccounts"], ["", "groups"], ["authentication.k8s.io", "userextras"]],
};

interface ResourceOption {
  group: string;
  resource: string;
  subresource: string;
}

const unique = (values: readonly string[]): string[] => values.filter((v, i) => values.indexOf(v) === i);

/** Complete's verbs: duplicates dropped, and `*` stands for them all. */
function verbsOf(flags: Flags): string[] {
  const verbs = flags.list("verb");
  return verbs.includes("*") ? ["*"] : unique(verbs);
}

/** `--resource=pods,deployments.apps,pods/log`: resource.group/subresource; a bare `*` is every resource. */
function resourcesOf(flags: Flags): ResourceOption[] {
  const out: ResourceOption[] = [];
  for (const text of flags.list("resource")) {
    const slash = text.indexOf("/");
    const head = slash >= 0 ? text.slice(0, slash) : text;
    const dot = head.indexOf(".");
    const option = { resource: dot >= 0 ? head.slice(0, dot) : head, group: dot >= 0 ? head.slice(dot + 1) : "", subresource: slash >= 0 ? text.slice(slash + 1) : "" };
    if (option.resource === "*" && dot < 0 && slash < 0) return [option];
    out.push(option);
  }
  return out;
}

/** The REST mapper's answer for a resource (short names expanded, the group filled in), or its error. */
function mapped(k: Kubectl, r: ResourceOption): { group: string; resource: string; error?: string } {
  const found = lookupResource(r.group === "" ? r.resource : `${r.resource}.${r.group}`, k.ctx.tx.state);
  if (found.ok) return { group: found.type.group, resource: found.type.name };
  // kubectl prints this one without its `error: ` (cmdutil.CheckErr's words for a mapper that found no match).
  return { group: r.group, resource: r.resource, error: `the server doesn't have a resource type ${goQuote(r.resource)}` };
}

/** validateResource: every resource known to the server, and special verbs only on theirs. */
function validateResources(k: Kubectl, verbs: readonly string[], resources: readonly ResourceOption[]): number | undefined {
  for (const r of resources) {
    if (r.resource === "") return fail(k, "error: resource must be specified if apiGroup/subresource specified");
    if (r.resource === "*") return undefined;
    const m = mapped(k, r);
    for (const verb of verbs) {
      const allowed = SPECIAL_VERBS[verb];
      if (allowed && !allowed.some(([group, resource]) => group === m.group && resource === m.resource)) {
        return fail(k, `error: can not perform '${verb}' on '${m.resource}' in group '${m.group}'`);
      }
    }
    if (m.error) return fail(k, m.error);
  }
  return undefined;
}

/** generateResourcePolicyRules: one rule per API group, the groups sorted. */
function rulesOf(k: Kubectl, verbs: string[], resources: readonly ResourceOption[], resourceNames: string[]): Array<Record<string, unknown>> {
  const byGroup = new Map<string, string[]>();
  for (const r of resources) {
    const m = r.resource === "*" ? { group: r.group, resource: r.resource } : mapped(k, r);
    const name = r.subresource === "" ? m.resource : `${m.resource}/${r.subresource}`;
    const list = byGroup.get(m.group) ?? [];
    if (!list.includes(name)) list.push(name);
    byGroup.set(m.group, list);
  }
  return [...byGroup.keys()].sort().map((group) => ({ verbs, apiGroups: [group], resources: byGroup.get(group)!, ...(resourceNames.length > 0 ? { resourceNames } : {}) }));
}

function roleCommand(cluster: boolean): Command {
  const kind = cluster ? "ClusterRole" : "Role";
  const sub = cluster ? "clusterrole" : "role";
  return {
    name: sub,
    short: cluster ? "Create a cluster role" : "Create a role with single rule",
    usage: `create ${sub} NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none]`,
    examples: `  # Create a ${kind.toLowerCase() === "role" ? "role" : "cluster role"} named "pod-reader" that allows user to perform "get", "watch" and "list" on pods
  kubectl create ${sub} pod-reader --verb=get --verb=list --verb=watch --resource=pods

  # With ResourceName specified
  kubectl create ${sub} pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod

  # With SubResource specified
  kubectl create ${sub} foo --verb=get,list,watch --resource=pods,pods/status`,
    flags: [
      { name: "verb", type: "stringSlice", usage: "Verb that applies to the resources contained in the rule" },
      { name: "resource", type: "stringSlice", usage: "Resource that the rule applies to" },
      { name: "resource-name", type: "stringArray", usage: "Resource in the white list that the rule applies to, repeat this flag for multiple items" },
      dryRunFlag, saveConfigFlag,
      outputFlag, templateFlag,
    ],
    run: (k, flags) => {
      const name = requireOneName(k, flags);
      if (typeof name === "number") return name;
      const verbs = verbsOf(flags);
      const resources = resourcesOf(flags);
      const resourceNames = unique(flags.list("resource-name"));
      if (verbs.length === 0) return fail(k, "error: at least one verb must be specified");
      if (resources.length === 0) return fail(k, cluster ? "error: one of resource or nonResourceURL must be specified" : "error: at least one resource must be specified");
      for (const verb of verbs) if (!VALID_RESOURCE_VERBS.includes(verb)) k.err(`Warning: '${verb}' is not a standard resource verb\n`);
      const invalid = validateResources(k, verbs, resources);
      if (invalid !== undefined) return invalid;
      const dryRun = dryRunOf(k, flags);
      if (typeof dryRun === "number") return dryRun;
      const obj = { apiVersion: `${RBAC}/v1`, kind, metadata: { name }, rules: rulesOf(k, verbs, resources, resourceNames) } as unknown as SubmittedObject;
      // create_role.go and create_clusterrole.go return the server's error as it came.
      return createAndPrint(k, flags, obj, "created", dryRun);
    },
  };
}

function bindingCommand(cluster: boolean): Command {
  const kind = cluster ? "ClusterRoleBinding" : "RoleBinding";
  const sub = kind.toLowerCase();
  return {
    name: sub,
    short: cluster ? "Create a cluster role binding for a particular cluster role" : "Create a role binding for a particular role or cluster role",
    usage: cluster
      ? "create clusterrolebinding NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]"
      : "create rolebinding NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]",
    examples: cluster
      ? `  # Create a cluster role binding for user1, user2, and group1 using the cluster-admin cluster role
  kubectl create clusterrolebinding cluster-admin --clusterrole=cluster-admin --user=user1 --user=user2 --group=group1`
      : `  # Create a role binding for user1, user2, and group1 using the admin cluster role
  kubectl create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1

  # Create a role binding for service account monitoring:sa-dev using the admin role
  kubectl create rolebinding admin-binding --role=admin --serviceaccount=monitoring:sa-dev`,
    flags: [
      { name: "clusterrole", type: "string", usage: `ClusterRole this ${kind} should reference` },
      ...(cluster ? [] : [{ name: "role", type: "string" as const, usage: "Role this RoleBinding should reference" }]),
      { name: "user", type: "stringArray", usage: "Usernames to bind to the role" },
      { name: "group", type: "stringArray", usage: "Groups to bind to the role" },
      { name: "serviceaccount", type: "stringArray", usage: "Service accounts to bind to the role, in the format <namespace>:<name>" },
      dryRunFlag, saveConfigFlag,
      outputFlag, templateFlag,
    ],
    run: (k, flags) => {
      // create_clusterrolebinding.go marks --clusterrole required: cobra refuses before the command runs.
      if (cluster && !flags.changed("clusterrole")) return fail(k, 'error: required flag(s) "clusterrole" not set');
      const name = requireOneName(k, flags);
      if (typeof name === "number") return name;
      const clusterRole = flags.string("clusterrole");
      const role = cluster ? "" : flags.string("role");
      if (!cluster && (clusterRole === "") === (role === "")) return fail(k, "error: exactly one of clusterrole or role must be specified");
      const subjects: Array<Record<string, string>> = [
        ...flags.list("user").map((user) => ({ kind: "User", apiGroup: RBAC, name: user })),
        ...flags.list("group").map((group) => ({ kind: "Group", apiGroup: RBAC, name: group })),
      ];
      for (const sa of flags.list("serviceaccount")) {
        const tokens = sa.split(":");
        if (tokens.length !== 2 || tokens[0] === "" || tokens[1] === "") return fail(k, "error: serviceaccount must be <namespace>:<name>");
        subjects.push({ kind: "ServiceAccount", namespace: tokens[0], name: tokens[1] });
      }
      const dryRun = dryRunOf(k, flags);
      if (typeof dryRun === "number") return dryRun;
      const roleRef = { apiGroup: RBAC, kind: role !== "" ? "Role" : "ClusterRole", name: role !== "" ? role : clusterRole };
      const obj = { apiVersion: `${RBAC}/v1`, kind, metadata: { name }, roleRef, ...(subjects.length > 0 ? { subjects } : {}) } as unknown as SubmittedObject;
      return createAndPrint(k, flags, obj, "created", dryRun, `failed to create ${sub}: `);
    },
  };
}

export const rbacCreateCommands = { role: roleCommand(false), clusterRole: roleCommand(true), roleBinding: bindingCommand(false), clusterRoleBinding: bindingCommand(true) };
