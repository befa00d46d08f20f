// RBAC objects stored as the API server stores them (not enforced): ValidatePolicyRule and
// ValidateRoleBinding's causes, the server's NAME CREATED AT table for roles, printRoleBinding's
// NAME ROLE AGE (-o wide subjects) and describe.go's Role and RoleBinding describers.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function session(): (command: string) => ReturnType<typeof execute> {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 9, now });
  return (command) => {
    now += 5000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
}

const apply = (yaml: string) => `kubectl apply -f - <<EOF\n${yaml}\nEOF`;

describe("Role and ClusterRole", () => {
  it("describes the rules broken down per resource, verbs of one resource merged, sorted as SortableRuleSlice sorts", () => {
    const run = session();
    expect(
      run(apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: ['', apps]\n  resources: [pods, deployments/scale]\n  verbs: [get]\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [list]\n- apiGroups: ['']\n  resources: [configmaps]\n  resourceNames: [a]\n  verbs: [update]")).output,
    ).toBe("role.rbac.authorization.k8s.io/r created\n");
    expect(run("kubectl get role").output).toBe("NAME   CREATED AT\nr      2026-01-01T00:00:05Z\n");
    expect(run("kubectl describe role r").output).toBe(
      "Name:         r\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n" +
        "  Resources               Non-Resource URLs  Resource Names  Verbs\n" +
        "  ---------               -----------------  --------------  -----\n" +
        "  configmaps              []                 [a]             [update]\n" +
        "  deployments/scale       []                 []              [get]\n" +
        "  pods                    []                 []              [get list]\n" +
        "  deployments.apps/scale  []                 []              [get]\n" +
        "  pods.apps               []                 []              [get]\n",
    );
  });

  it("refuses rules without verbs, groups or resources, and non-resource URLs in a namespaced role", () => {
    const run = session();
    expect(run(apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- resources: [pods]")).output).toBe(
      'The Role "r" is invalid: \n* rules[0].verbs: Required value: verbs must contain at least one value\n* rules[0].apiGroups: Required value: resource rules must supply at least one api group\n',
    );
    expect(run(apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- nonResourceURLs: [/healthz]\n  verbs: [get]")).output).toBe(
      'The Role "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs\n',
    );
  });
});

describe("RoleBinding and ClusterRoleBinding", () => {
  it("prints ROLE and, with -o wide, the subjects; describe lists them", () => {
    const run = session();
    run(apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: User\n  name: jane\n- kind: ServiceAccount\n  name: app\n  namespace: default"));
    expect(run("kubectl get rolebinding -o wide").output).toBe("NAME   ROLE               AGE   USERS   GROUPS   SERVICEACCOUNTS\nb      ClusterRole/view   5s    jane             default:app\n");
    expect(run("kubectl describe rolebinding b").output).toBe(
      "Name:         b\nLabels:       <none>\nAnnotations:  <none>\nRole:\n  Kind:  ClusterRole\n  Name:  view\nSubjects:\n  Kind            Name  Namespace\n  ----            ----  ---------\n  User            jane  \n  ServiceAccount  app   default\n",
    );
  });

  it("refuses a binding to an unknown kind and a cluster binding's service account without a namespace", () => {
    const run = session();
    expect(run(apply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: c\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: r\nsubjects:\n- kind: ServiceAccount\n  name: app")).output).toBe(
      'The ClusterRoleBinding "c" is invalid: \n* roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"\n* subjects[0].namespace: Required value\n',
    );
  });
});
