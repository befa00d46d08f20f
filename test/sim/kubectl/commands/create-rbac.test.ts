// kubectl create role | clusterrole | rolebinding | clusterrolebinding, as create_role.go and
// create_rolebinding.go build and check them (compared with real kubectl 1.33 in test/oracle/writes.test.ts).
import { expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

it("creates a Role with one rule per API group, short names and subresources resolved", () => {
  const run = simTerminal(41);
  expect(run("kubectl create role r1 --verb=get --verb=list --verb=get --resource=pods,deployments.apps,rs,pods/log --resource-name=a")).toEqual({ output: "role.rbac.authorization.k8s.io/r1 created\n", exitCode: 0 });
  expect(JSON.parse(run("kubectl get role r1 -o jsonpath={.rules}").output)).toEqual([
    { apiGroups: [""], resourceNames: ["a"], resources: ["pods", "pods/log"], verbs: ["get", "list"] },
    { apiGroups: ["apps"], resourceNames: ["a"], resources: ["deployments", "replicasets"], verbs: ["get", "list"] },
  ]);
  expect(run("kubectl create clusterrole c1 --verb=* --resource=*").exitCode).toBe(0);
  expect(JSON.parse(run("kubectl get clusterrole c1 -o jsonpath={.rules}").output)).toEqual([{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]);
});

it("refuses a role without verbs or resources, an unknown resource and a special verb elsewhere, and warns of an unknown verb", () => {
  const run = simTerminal(42);
  expect(run("kubectl create role r --resource=pods")).toEqual({ output: "error: at least one verb must be specified\n", exitCode: 1 });
  expect(run("kubectl create role r --verb=get")).toEqual({ output: "error: at least one resource must be specified\n", exitCode: 1 });
  expect(run("kubectl create clusterrole r --verb=get")).toEqual({ output: "error: one of resource or nonResourceURL must be specified\n", exitCode: 1 });
  expect(run("kubectl create role r --verb=get --resource=foo")).toEqual({ output: 'the server doesn\'t have a resource type "foo"\n', exitCode: 1 });
  expect(run("kubectl create role r --verb=bind --resource=pods")).toEqual({ output: "error: can not perform 'bind' on 'pods' in group ''\n", exitCode: 1 });
  expect(run("kubectl create role r --verb=fly --resource=pods")).toEqual({ output: "Warning: 'fly' is not a standard resource verb\nrole.rbac.authorization.k8s.io/r created\n", exitCode: 0 });
  expect(run("kubectl create role r --verb=get --resource=pods")).toEqual({ output: 'Error from server (AlreadyExists): roles.rbac.authorization.k8s.io "r" already exists\n', exitCode: 1 });
});

it("binds users, groups and service accounts to a role or cluster role", () => {
  const run = simTerminal(43);
  expect(run("kubectl create rolebinding rb --role=r --user=alice --group=devs --serviceaccount=default:builder").output).toBe("rolebinding.rbac.authorization.k8s.io/rb created\n");
  expect(JSON.parse(run("kubectl get rolebinding rb -o json").output)).toMatchObject({
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
    subjects: [
      { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" },
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "devs" },
      { kind: "ServiceAccount", name: "builder", namespace: "default" },
    ],
  });
  expect(run("kubectl create rolebinding rb --role=r --user=alice")).toEqual({ output: 'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "rb" already exists\n', exitCode: 1 });
  expect(run("kubectl create rolebinding x --user=alice").output).toBe("error: exactly one of clusterrole or role must be specified\n");
  expect(run("kubectl create rolebinding x --role=a --clusterrole=b").output).toBe("error: exactly one of clusterrole or role must be specified\n");
  expect(run("kubectl create rolebinding x --role=a --serviceaccount=builder").output).toBe("error: serviceaccount must be <namespace>:<name>\n");
  expect(run("kubectl create clusterrolebinding crb --clusterrole=view --user=alice").output).toBe("clusterrolebinding.rbac.authorization.k8s.io/crb created\n");
  expect(run("kubectl create clusterrolebinding crb --clusterrole=view --user=alice").output).toBe('error: failed to create clusterrolebinding: clusterrolebindings.rbac.authorization.k8s.io "crb" already exists\n');
  expect(run("kubectl create clusterrolebinding y --user=alice").output).toBe('error: required flag(s) "clusterrole" not set\n');
});
