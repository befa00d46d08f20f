// MetalLB in layer-2 mode, as the default cluster profile installs it: its objects, the controller
// giving LoadBalancer Services addresses (or refusing, with its events), and a cluster without it.
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { simTerminal } from "../console.ts";

function terminalWith(loadBalancer: "metallb" | "none") {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 5, now, profile: { cni: "flannel", loadBalancer, ingress: "none" } });
  return (command: string) => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
}

describe("MetalLB as bootstrap installs it", () => {
  const run = simTerminal(5);

  it("runs the controller and a speaker on every node in metallb-system", () => {
    const pods = run("kubectl get pods -n metallb-system -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,HOSTNET:.spec.hostNetwork").output;
    expect(pods).toMatch(/\ncontroller-[a-z0-9]+-[a-z0-9]{5} +node0[12] +<none>\n/);
    for (const node of ["controlplane", "node01", "node02"]) expect(pods).toMatch(new RegExp(`\\nspeaker-[a-z0-9]{5} +${node} +true\\n`));
    expect(run("kubectl get deploy,ds -n metallb-system -o name").output).toBe("deployment.apps/controller\ndaemonset.apps/speaker\n");
  });

  it("has its pool and L2Advertisement as metallb.io/v1beta1 objects with the CRDs' columns", () => {
    expect(run("kubectl get ipaddresspools -n metallb-system").output).toBe(
      'NAME           AUTO ASSIGN   AVOID BUGGY IPS   ADDRESSES\ndefault-pool   true          false             ["192.168.56.200-192.168.56.250"]\n',
    );
    expect(run("kubectl get l2advertisements.metallb.io -n metallb-system").output).toBe(
      'NAME         IPADDRESSPOOLS     IPADDRESSPOOL SELECTORS   INTERFACES\ndefault-l2   ["default-pool"]                             \n',
    );
    expect(run("kubectl get ipaddresspool default-pool -n metallb-system -o jsonpath={.apiVersion}").output).toBe("metallb.io/v1beta1");
  });

  it("refuses a pool without addresses as the CRD's schema does", () => {
    const bad = run("kubectl apply -f - <<EOF\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: empty\n  namespace: metallb-system\nspec:\n  autoAssign: false\nEOF");
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toContain("spec.addresses: Required value");
  });
});

describe("the MetalLB controller", () => {
  it("gives a new LoadBalancer Service the pool's first address a moment after creation", () => {
    const run = simTerminal(5);
    run("kubectl create deployment web --image=nginx --replicas=2");
    const watched = run("kubectl expose deployment web --port=80 --type=LoadBalancer && kubectl get svc web -w").output.split("\n");
    expect(watched[0]).toBe("service/web exposed");
    expect(watched[2]).toMatch(/^web +LoadBalancer +10\.\d+\.\d+\.\d+ +<pending> +80:3\d{4}\/TCP +0s$/);
    expect(watched[3]).toMatch(/^web +LoadBalancer +10\.\d+\.\d+\.\d+ +192\.168\.56\.200 +80:3\d{4}\/TCP +1s$/);
    const described = run("kubectl describe svc web").output;
    expect(described).toContain("\nAnnotations:              metallb.io/ip-allocated-from-pool: default-pool\n");
    expect(described).toContain("\nLoadBalancer Ingress:     192.168.56.200 (VIP)\n");
    expect(described).toMatch(/\n  Normal  IPAllocated   \d+s +metallb-controller  Assigned IP \["192\.168\.56\.200"\]\n/);
    expect(described).toMatch(/\n  Normal  nodeAssigned  \d+s +metallb-speaker     announcing from node "node0[12]" with protocol "layer2"\n/);
    expect(run("kubectl get svc web -o jsonpath={.status.loadBalancer}").output).toBe('{"ingress":[{"ip":"192.168.56.200","ipMode":"VIP"}]}');
  });

  it("takes the address a Service asks for, by spec.loadBalancerIP or annotation, and refuses what it cannot give", () => {
    const run = simTerminal(5);
    run("kubectl create service loadbalancer a --tcp=80:80");
    run("kubectl patch svc a -p '{\"spec\":{\"loadBalancerIP\":\"192.168.56.240\"}}'");
    expect(run("kubectl get svc a -o jsonpath={.status.loadBalancer.ingress[0].ip}").output).toBe("192.168.56.240");
    run("kubectl create service loadbalancer b --tcp=80:80");
    run("kubectl annotate svc b metallb.io/loadBalancerIPs=192.168.56.240");
    expect(run("kubectl get svc b").output).toMatch(/\nb +LoadBalancer +\S+ +<pending> /);
    expect(run("kubectl describe svc b").output).toMatch(/\n  Warning  AllocationFailed  \d+s +metallb-controller  Failed to allocate IP for "default\/b": can't change sharing key for "default\/b", address also in use by default\/a\n/);
    run("kubectl annotate svc b --overwrite metallb.io/loadBalancerIPs=10.0.0.5");
    expect(run("kubectl get events --field-selector involvedObject.name=b,reason=AllocationFailed -o jsonpath='{.items[-1:].message}'").output).toBe(
      'Failed to allocate IP for "default/b": "10.0.0.5" is not allowed in config',
    );
    run("kubectl annotate svc b --overwrite metallb.io/loadBalancerIPs- metallb.io/address-pool=nope");
    expect(run("kubectl get events --field-selector involvedObject.name=b,reason=AllocationFailed -o jsonpath='{.items[-1:].message}'").output).toBe(
      'Failed to allocate IP for "default/b": unknown pool "nope"',
    );
  });

  it("leaves Services pending once the pool runs out, and gives the address back when a Service stops being a LoadBalancer", () => {
    const run = simTerminal(5);
    run(
      "kubectl apply -f - <<EOF\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: default-pool\n  namespace: metallb-system\nspec:\n  addresses:\n  - 192.168.56.200/31\nEOF",
    );
    for (const name of ["one", "two", "three"]) run(`kubectl create service loadbalancer ${name} --tcp=80:80`);
    const listed = run("kubectl get svc").output;
    expect(listed).toMatch(/\none +LoadBalancer +\S+ +192\.168\.56\.200 /);
    expect(listed).toMatch(/\ntwo +LoadBalancer +\S+ +192\.168\.56\.201 /);
    expect(listed).toMatch(/\nthree +LoadBalancer +\S+ +<pending> /);
    expect(run("kubectl describe svc three").output).toMatch(/\n  Warning  AllocationFailed  \d+s +metallb-controller  Failed to allocate IP for "default\/three": no available IPs\n/);
    run("kubectl patch svc one -p '{\"spec\":{\"type\":\"ClusterIP\"}}'");
    expect(run("kubectl get svc one -o jsonpath={.status}").output).toBe('{"loadBalancer":{}}');
    run("kubectl annotate svc three poke=1");
    expect(run("kubectl get svc three -o jsonpath={.status.loadBalancer.ingress[0].ip}").output).toBe("192.168.56.200");
  });
});

describe("a cluster without MetalLB", () => {
  it.each([
    ["profile loadBalancer none", terminalWith("none"), ""],
    ["metallb-system deleted", terminalWith("metallb"), "kubectl delete ns metallb-system"],
  ])("leaves LoadBalancer Services <pending> (%s)", (_, run, prepare) => {
    if (prepare) expect(run(prepare).output).toBe('namespace "metallb-system" deleted\n');
    run("kubectl create service loadbalancer web --tcp=80:80");
    run("kubectl get svc web");
    expect(run("kubectl get svc web").output).toMatch(/\nweb +LoadBalancer +\S+ +<pending> +80:3\d{4}\/TCP +\d+s\n$/);
    expect(run("kubectl describe svc web").output).toMatch(/Events: +<none>\n$/);
  });
});
