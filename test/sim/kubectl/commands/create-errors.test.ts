// What kubectl create prints when the server refuses the object: most typed creates wrap the
// server's error (pkg/cmd/create/create_*.go, `fmt.Errorf("failed to create configmap: %v", err)`),
// namespace keeps it as the server sent it. Checked against real kubectl 1.33 (test/oracle/writes.test.ts).
import { expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

const TWICE: Array<[string, string]> = [
  ["kubectl create configmap cm1", 'error: failed to create configmap: configmaps "cm1" already exists'],
  // create_secret.go: "failed to create secret %v", no colon.
  ["kubectl create secret generic s1", 'error: failed to create secret secrets "s1" already exists'],
  ["kubectl create secret docker-registry d1 --docker-username=u --docker-password=p", 'error: failed to create secret secrets "d1" already exists'],
  ["kubectl create service clusterip svc1 --tcp=80:80", 'error: failed to create ClusterIP service: services "svc1" already exists'],
  ["kubectl create service nodeport np1 --tcp=80:80", 'error: failed to create NodePort service: services "np1" already exists'],
  ["kubectl create service loadbalancer lb1 --tcp=80:80", 'error: failed to create LoadBalancer service: services "lb1" already exists'],
  ["kubectl create service externalname en1 --external-name=a.example", 'error: failed to create ExternalName service: services "en1" already exists'],
  ["kubectl create serviceaccount sa1", 'error: failed to create serviceaccount: serviceaccounts "sa1" already exists'],
  ["kubectl create deployment dep1 --image=nginx", 'error: failed to create deployment: deployments.apps "dep1" already exists'],
  // The server names a resource of a named group with its group.
  ["kubectl create job j1 --image=busybox", 'error: failed to create job: jobs.batch "j1" already exists'],
  ["kubectl create quota q1 --hard=pods=1", 'error: failed to create quota: resourcequotas "q1" already exists'],
  ["kubectl create ingress ing1 --rule=a.example/=svc:80", 'error: failed to create ingress: ingresses.networking.k8s.io "ing1" already exists'],
  ["kubectl create namespace ns1", 'Error from server (AlreadyExists): namespaces "ns1" already exists'],
];

it("prints the server's refusal of a typed create as kubectl 1.33 does, wrapped where its command wraps it", () => {
  const run = simTerminal(31);
  for (const [command, error] of TWICE) {
    expect(run(command).exitCode, command).toBe(0);
    expect(run(command), command).toEqual({ output: `${error}\n`, exitCode: 1 });
  }
  expect(run("kubectl create deployment Bad --image=nginx").output).toMatch(/^error: failed to create deployment: Deployment\.apps "Bad" is invalid: metadata\.name: Invalid value: "Bad": /);
});
