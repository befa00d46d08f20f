// The Gateway API's kinds: absent until standard-install.yaml's CRDs are applied, then served,
// validated by the CRDs' schemas and rules, and printed with the CRDs' columns.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const INSTALL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml";
const INSTALL_151 = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml";

function installed(seed = 3) {
  const run = simTerminal(seed);
  expect(run(`kubectl apply -f ${INSTALL}`).exitCode).toBe(0);
  return run;
}

describe("Gateway API CRDs", () => {
  it("are unknown types before the CRDs are installed, as on a cluster without them", () => {
    const run = simTerminal(3);
    expect(run("kubectl get gateway")).toEqual({ output: 'error: the server doesn\'t have a resource type "gateway"\n', exitCode: 1 });
    expect(run("kubectl get crd")).toEqual({ output: "No resources found\n", exitCode: 0 });
    expect(run("kubectl api-resources").output).not.toContain("gateway");
    const gw = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: web\nspec:\n  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n";
    expect(run(`cat <<'EOF' | kubectl apply -f -\n${gw}EOF`).output).toBe(
      'error: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1"\nensure CRDs are installed first\n',
    );
  });

  it("apply standard-install.yaml creates the six CRDs and serves their kinds", () => {
    const run = simTerminal(3);
    expect(run(`kubectl apply -f ${INSTALL}`)).toEqual({
      output: [
        "customresourcedefinition.apiextensions.k8s.io/backendtlspolicies.gateway.networking.k8s.io created",
        "customresourcedefinition.apiextensions.k8s.io/gatewayclasses.gateway.networking.k8s.io created",
        "customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io created",
        "customresourcedefinition.apiextensions.k8s.io/grpcroutes.gateway.networking.k8s.io created",
        "customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io created",
        "customresourcedefinition.apiextensions.k8s.io/referencegrants.gateway.networking.k8s.io created",
        "",
      ].join("\n"),
      exitCode: 0,
    });
    const crds = run("kubectl get crd").output;
    expect(crds.split("\n")[0]).toMatch(/^NAME\s+CREATED AT$/);
    expect(crds).toMatch(/^httproutes\.gateway\.networking\.k8s\.io\s+2026-01-01T00:00:03Z$/m);
    expect(run("kubectl get gateway")).toEqual({ output: "No resources found in default namespace.\n", exitCode: 0 });
    const resources = run("kubectl api-resources").output;
    expect(resources).toMatch(/^gateways\s+gtw\s+gateway\.networking\.k8s\.io\/v1\s+true\s+Gateway$/m);
    expect(resources).toMatch(/^referencegrants\s+refgrant\s+gateway\.networking\.k8s\.io\/v1beta1\s+true\s+ReferenceGrant$/m);
    expect(resources).toMatch(/^gatewayclasses\s+gc\s+gateway\.networking\.k8s\.io\/v1\s+false\s+GatewayClass$/m);
    expect(run("kubectl explain httproute.spec.rules.matches.path").output).toContain("FIELD: path <Object>");
  });

  it("v1.5.1's standard-install.yaml (NGF 2.6.7's version) adds ListenerSet, TLSRoute, ReferenceGrant v1 and the safe-upgrades policy", () => {
    const run = simTerminal(3);
    expect(run(`kubectl apply -f ${INSTALL_151}`)).toEqual({
      output: [
        ...["backendtlspolicies", "gatewayclasses", "gateways", "grpcroutes", "httproutes", "listenersets", "referencegrants", "tlsroutes"].map(
          (p) => `customresourcedefinition.apiextensions.k8s.io/${p}.gateway.networking.k8s.io created`,
        ),
        "validatingadmissionpolicy.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io created",
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io created",
        "",
      ].join("\n"),
      exitCode: 0,
    });
    expect(run("kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'").output).toBe("v1.5.1");
    const resources = run("kubectl api-resources --api-group=gateway.networking.k8s.io").output;
    expect(resources).toMatch(/^listenersets\s+lset\s+gateway\.networking\.k8s\.io\/v1\s+true\s+ListenerSet$/m);
    expect(resources).toMatch(/^tlsroutes\s+gateway\.networking\.k8s\.io\/v1\s+true\s+TLSRoute$/m);
    expect(run("kubectl get validatingadmissionpolicybinding").output).toBe(
      "NAME                                      POLICYNAME                                PARAMREF   AGE\nsafe-upgrades.gateway.networking.k8s.io   safe-upgrades.gateway.networking.k8s.io   <unset>    9s\n",
    );
    // Both served versions of ReferenceGrant are written; v1.4.1 served v1beta1 only.
    const grant = (version: string) => run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/${version}\nkind: ReferenceGrant\nmetadata:\n  name: g-${version}\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: web\n  to:\n  - group: ""\n    kind: Service\nEOF`);
    expect(grant("v1").output).toBe("referencegrant.gateway.networking.k8s.io/g-v1 created\n");
    expect(grant("v1beta1").output).toBe("referencegrant.gateway.networking.k8s.io/g-v1beta1 created\n");
    expect(grant("v1alpha2").output).toContain('no matches for kind "ReferenceGrant" in version "gateway.networking.k8s.io/v1alpha2"');
    run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata:\n  name: extra\nspec:\n  parentRef:\n    name: web\n  listeners:\n  - name: extra\n    port: 8080\n    protocol: HTTP\nEOF`);
    expect(run("kubectl get lset").output).toBe("NAME    ACCEPTED   PROGRAMMED   AGE\nextra   Unknown    Unknown      3s\n");
  });

  it("v1.4.1 serves ReferenceGrant in v1beta1 only", () => {
    const run = installed();
    const r = run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/v1\nkind: ReferenceGrant\nmetadata:\n  name: g\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: web\n  to:\n  - group: ""\n    kind: Service\nEOF`);
    expect(r.output).toContain('no matches for kind "ReferenceGrant" in version "gateway.networking.k8s.io/v1"');
    expect(run("kubectl get tlsroute").output).toBe('error: the server doesn\'t have a resource type "tlsroute"\n');
  });

  it("prints a GatewayClass and a Gateway with the CRDs' columns and their default Pending status", () => {
    const run = installed();
    run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: example\nspec:\n  controllerName: example.com/gateway-controller\nEOF`);
    expect(run("kubectl get gatewayclass").output).toBe("NAME      CONTROLLER                       ACCEPTED   AGE\nexample   example.com/gateway-controller   Unknown    3s\n");
    run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: web\nspec:\n  gatewayClassName: example\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\nEOF`);
    expect(run("kubectl get gtw").output).toBe("NAME   CLASS     ADDRESS   PROGRAMMED   AGE\nweb    example             Unknown      3s\n");
    const yaml = run("kubectl get gateway web -o yaml").output;
    expect(yaml).toContain('  - lastTransitionTime: "1970-01-01T00:00:00Z"\n    message: Waiting for controller\n    reason: Pending\n    status: Unknown\n    type: Programmed\n');
    // The CRD's defaults: a listener's allowedRoutes (Same namespace).
    expect(yaml).toContain("  - allowedRoutes:\n      namespaces:\n        from: Same\n    name: http\n");
  });

  it("rejects objects the CRDs' schemas and rules reject, with the API server's messages", () => {
    const run = installed();
    const apply = (body: string) => run(`cat <<'EOF' | kubectl apply -f -\n${body}EOF`);
    expect(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: web\nspec:\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n").output).toBe(
      'The Gateway "web" is invalid: spec.gatewayClassName: Required value\n',
    );
    expect(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: web\nspec:\n  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n  - name: http\n    port: 8080\n    protocol: HTTP\n").output).toBe(
      'The Gateway "web" is invalid: spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway\n',
    );
    expect(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n  - matches:\n    - path:\n        type: PathPrefix\n        value: api\n    backendRefs:\n    - name: api\n").output).toBe(
      "The HTTPRoute \"r\" is invalid: \n* spec.rules[0].matches[0].path: Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']\n* spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference\n",
    );
    expect(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n  - matches:\n    - method: FETCH\n").output).toBe(
      'The HTTPRoute "r" is invalid: spec.rules[0].matches[0].method: Unsupported value: "FETCH": supported values: "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"\n',
    );
  });

  it("deleting a CRD takes its objects and its kind with it", () => {
    const run = installed();
    run(`cat <<'EOF' | kubectl apply -f -\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  hostnames: ["a.example.com"]\nEOF`);
    expect(run("kubectl get httproute").output).toBe('NAME   HOSTNAMES           AGE\nr      ["a.example.com"]   3s\n');
    expect(run("kubectl delete crd httproutes.gateway.networking.k8s.io").output).toBe('customresourcedefinition.apiextensions.k8s.io "httproutes.gateway.networking.k8s.io" deleted\n');
    expect(run("kubectl get httproute").output).toBe('error: the server doesn\'t have a resource type "httproute"\n');
  });
});
