// MetalLB installed as its installation guide installs it, on a cluster built without a load
// balancer: `kubectl apply -f .../metallb-native.yaml` by URL creates what the manifest lists, the
// controller writes its memberlist and webhook Secrets and the webhook's caBundle, the pods run,
// LoadBalancer Services wait for a pool, and `kubectl delete -f` takes it all away again.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const manifest = (version: string) => `https://raw.githubusercontent.com/metallb/metallb/${version}/config/manifests/metallb-native.yaml`;

function bareCluster(seed = 4) {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, profile: { cni: "flannel", loadBalancer: "none", ingress: "none" } });
  const run = (command: string, stepMs = 3000) => {
    now += stepMs;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  /** Lets `seconds` pass, as a learner's next commands would. */
  const wait = (seconds: number) => {
    for (let t = 0; t < seconds; t += 5) run("true", 5000);
  };
  return { run, wait };
}

const apply = (yaml: string, namespace = "") => `kubectl apply${namespace} -f - <<'EOF'\n${yaml}EOF`;

// The guide's layer-2 configuration (configuration/_index.md), on the playground's node network.
const POOL = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: first-pool
  namespace: metallb-system
spec:
  addresses:
  - 192.168.56.200-192.168.56.210
`;

const L2 = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: example
  namespace: metallb-system
`;

const CREATED_V0153 = `namespace/metallb-system created
customresourcedefinition.apiextensions.k8s.io/bfdprofiles.metallb.io created
customresourcedefinition.apiextensions.k8s.io/bgpadvertisements.metallb.io created
customresourcedefinition.apiextensions.k8s.io/bgppeers.metallb.io created
customresourcedefinition.apiextensions.k8s.io/communities.metallb.io created
customresourcedefinition.apiextensions.k8s.io/configurationstates.metallb.io created
customresourcedefinition.apiextensions.k8s.io/ipaddresspools.metallb.io created
customresourcedefinition.apiextensions.k8s.io/l2advertisements.metallb.io created
customresourcedefinition.apiextensions.k8s.io/servicebgpstatuses.metallb.io created
customresourcedefinition.apiextensions.k8s.io/servicel2statuses.metallb.io created
serviceaccount/controller created
serviceaccount/speaker created
role.rbac.authorization.k8s.io/controller created
role.rbac.authorization.k8s.io/pod-lister created
clusterrole.rbac.authorization.k8s.io/metallb-system:controller created
clusterrole.rbac.authorization.k8s.io/metallb-system:speaker created
rolebinding.rbac.authorization.k8s.io/controller created
rolebinding.rbac.authorization.k8s.io/pod-lister created
clusterrolebinding.rbac.authorization.k8s.io/metallb-system:controller created
clusterrolebinding.rbac.authorization.k8s.io/metallb-system:speaker created
configmap/metallb-excludel2 created
secret/metallb-webhook-cert created
service/metallb-webhook-service created
deployment.apps/controller created
daemonset.apps/speaker created
validatingwebhookconfiguration.admissionregistration.k8s.io/metallb-webhook-configuration created
`;

describe("MetalLB v0.15.3 applied by URL on a cluster without a load balancer", () => {
  const { run, wait } = bareCluster();

  it("does not know the metallb.io kinds before their CRDs are installed", () => {
    const before = run(apply(POOL));
    expect(before.exitCode).toBe(1);
    expect(before.output).toBe('error: resource mapping not found for name: "first-pool" namespace: "metallb-system" from "STDIN": no matches for kind "IPAddressPool" in version "metallb.io/v1beta1"\nensure CRDs are installed first\n');
    expect(run("kubectl get ipaddresspools -A").output).toBe('error: the server doesn\'t have a resource type "ipaddresspools"\n');
  });

  it("creates what the manifest lists, in its order, and refuses a pool while the webhook has no endpoint", () => {
    expect(run(`cat > pool.yaml <<'EOF'\n${POOL}EOF`).exitCode).toBe(0);
    // The same command line: the controller has not started when the pool comes.
    const result = run(`kubectl apply -f ${manifest("v0.15.3")} && kubectl apply -f pool.yaml`);
    expect(result.exitCode).toBe(1);
    expect(result.output.startsWith(CREATED_V0153)).toBe(true);
    expect(result.output.slice(CREATED_V0153.length)).toMatch(
      /^Error from server \(InternalError\): error when creating "pool.yaml": Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook\.metallb\.io": failed to call webhook: Post "https:\/\/metallb-webhook-service\.metallb-system\.svc:443\/validate-metallb-io-v1beta1-ipaddresspool\?timeout=10s": dial tcp [\d.]+:443: connect: connection refused\n$/,
    );
  });

  it("runs the controller and a speaker per node with the manifest's images", () => {
    wait(30);
    const pods = run("kubectl get pods -n metallb-system -o custom-columns=NAME:.metadata.name,READY:.status.containerStatuses[0].ready,IMAGE:.spec.containers[0].image,NODE:.spec.nodeName").output;
    expect(pods).toMatch(/\ncontroller-[a-z0-9]+-[a-z0-9]{5} +true +quay\.io\/metallb\/controller:v0\.15\.3 +node0[12]\n/);
    for (const node of ["controlplane", "node01", "node02"]) expect(pods).toMatch(new RegExp(`\\nspeaker-[a-z0-9]{5} +true +quay\\.io/metallb/speaker:v0\\.15\\.3 +${node}\\n`));
    // The speakers waited for the memberlist Secret the controller creates.
    expect(run("kubectl get events -n metallb-system --field-selector reason=FailedMount -o custom-columns=MSG:.message --no-headers").output).toMatch(/^MountVolume\.SetUp failed for volume "memberlist" : secret "memberlist" not found\n/);
  });

  it("has the controller's Secrets and the caBundle its cert rotator writes", () => {
    expect(run("kubectl get secrets -n metallb-system -o custom-columns=NAME:.metadata.name,KEYS:.data,OWNER:.metadata.ownerReferences[0].name").output).toMatch(/^NAME +KEYS +OWNER\nmemberlist +map\[secretkey:[A-Za-z0-9+/=]+\] +controller\nmetallb-webhook-cert +map\[ca\.crt:[A-Za-z0-9+/=]+ tls\.crt:[A-Za-z0-9+/=]+ tls\.key:[A-Za-z0-9+/=]+\] +<none>\n$/);
    const ca = run("kubectl get secret -n metallb-system metallb-webhook-cert -o jsonpath='{.data.ca\\.crt}'").output;
    const bundles = run("kubectl get validatingwebhookconfiguration metallb-webhook-configuration -o jsonpath='{range .webhooks[*]}{.clientConfig.caBundle}{\"\\n\"}{end}'").output;
    expect(bundles).toBe(`${ca}\n`.repeat(6));
    expect(run("kubectl get secret -n metallb-system metallb-webhook-cert -o jsonpath='{.data.tls\\.crt}' | base64 -d | head -1").output).toBe("-----BEGIN CERTIFICATE-----\n");
  });

  it("keeps LoadBalancer Services pending until a pool and an L2Advertisement exist", () => {
    run("kubectl create deployment web --image=nginx --replicas=2");
    run("kubectl expose deployment web --port=80 --type=LoadBalancer");
    wait(15);
    expect(run("kubectl get svc web").output).toMatch(/\nweb +LoadBalancer +[\d.]+ +<pending> +80:\d+\/TCP +\d+s\n$/);
  });

  it("lets its webhook refuse a pool outside metallb-system", () => {
    const denied = run(apply(POOL.replace("namespace: metallb-system", "namespace: default")));
    expect(denied).toEqual({ exitCode: 1, output: 'Error from server (Forbidden): error when creating "STDIN": admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: resource must be created in metallb-system namespace\n' });
  });

  it("gives the Service an address once the guide's pool and advertisement are applied", () => {
    expect(run(apply(`${POOL}---\n${L2}`))).toEqual({ exitCode: 0, output: "ipaddresspool.metallb.io/first-pool created\nl2advertisement.metallb.io/example created\n" });
    wait(5);
    expect(run("kubectl get svc web").output).toMatch(/\nweb +LoadBalancer +[\d.]+ +192\.168\.56\.200 +80:\d+\/TCP +\d+s\n$/);
    expect(run("kubectl get ipaddresspools -n metallb-system").output).toBe('NAME         AUTO ASSIGN   AVOID BUGGY IPS   ADDRESSES\nfirst-pool   true          false             ["192.168.56.200-192.168.56.210"]\n');
    const curl = run("curl -s -o /dev/null -w '%{http_code}\\n' http://192.168.56.200/");
    expect(curl).toEqual({ exitCode: 0, output: "200\n" });
  });

  it("is removed by kubectl delete -f with the same URL, its kinds with it", () => {
    const deleted = run(`kubectl delete -f ${manifest("v0.15.3")}`);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.output.split("\n")[0]).toBe('namespace "metallb-system" deleted');
    expect(deleted.output).toContain('customresourcedefinition.apiextensions.k8s.io "ipaddresspools.metallb.io" deleted\n');
    expect(deleted.output).toContain('validatingwebhookconfiguration.admissionregistration.k8s.io "metallb-webhook-configuration" deleted\n');
    wait(30);
    expect(run("kubectl get ns metallb-system").output).toBe('Error from server (NotFound): namespaces "metallb-system" not found\n');
    expect(run("kubectl get l2advertisements -A").output).toBe('error: the server doesn\'t have a resource type "l2advertisements"\n');
    expect(run("kubectl get crd -o name").output).not.toContain("metallb.io");
  });
});

describe("MetalLB v0.15.2 applied by URL", () => {
  it("runs the same way from the older tag's manifest", () => {
    const { run, wait } = bareCluster(9);
    const applied = run(`kubectl apply -f ${manifest("v0.15.2")}`);
    expect(applied.exitCode).toBe(0);
    expect(applied.output).toContain("deployment.apps/controller created\ndaemonset.apps/speaker created\nvalidatingwebhookconfiguration.admissionregistration.k8s.io/metallb-webhook-configuration created\n");
    wait(30);
    const pods = run("kubectl get pods -n metallb-system -o custom-columns=READY:.status.containerStatuses[0].ready,IMAGE:.spec.containers[0].image --no-headers").output;
    expect(pods.split("\n").filter(Boolean).sort()).toEqual(["true   quay.io/metallb/controller:v0.15.2", "true   quay.io/metallb/speaker:v0.15.2", "true   quay.io/metallb/speaker:v0.15.2", "true   quay.io/metallb/speaker:v0.15.2"]);
    expect(run(apply(`${POOL}---\n${L2}`)).exitCode).toBe(0);
    run("kubectl create deployment web --image=nginx");
    run("kubectl expose deployment web --port=80 --type=LoadBalancer");
    wait(10);
    expect(run("kubectl get svc web -o jsonpath='{.status.loadBalancer.ingress[0].ip}'").output).toBe("192.168.56.200");
  });
});

describe("the metallb profile", () => {
  it("serves the metallb.io kinds without their CRDs, as clusters built with it always have", () => {
    let now = Date.UTC(2026, 0, 1);
    let state = createSession({ seed: 4, now, profile: { cni: "flannel", loadBalancer: "metallb", ingress: "none" } });
    const run = (command: string) => {
      now += 3000;
      const result = execute(state, command, { now });
      state = result.state;
      return result;
    };
    expect(run("kubectl get crd -o name").output).not.toContain("metallb.io");
    expect(run("kubectl get ipaddresspools -n metallb-system -o name").output).toBe("ipaddresspool.metallb.io/default-pool\n");
  });
});
