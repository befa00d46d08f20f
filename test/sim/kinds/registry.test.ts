// The kind registry: every served kind is found by all its names, discovery and `get all` come
// from it, and the generic API server writes only kinds that have a strategy.
import { describe, expect, it } from "vitest";
import { createObject } from "../../../worker/sim/cluster/api-server.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState } from "../../../worker/sim/cluster/types.ts";
import { createSession } from "../../../worker/sim/engine.ts";
import { kinds, kindByName, kindByResource } from "../../../worker/sim/kinds/index.ts";
import { allCategory, lookupResource } from "../../../worker/sim/kubectl/resources.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { simTerminal } from "../console.ts";

const GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml";
const NGF_CRDS = "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml";

describe("the kind registry", () => {
  it("finds every kind by plural, singular, kind and short names, and no two kinds share a name", () => {
    const seen = new Map<string, string>();
    // Every CRD-served kind's CRD installed, so every kind is served.
    const crds = Object.fromEntries(kinds.filter((d) => d.crd !== undefined).map((d) => [d.crd!, { metadata: { name: d.crd! } }]));
    const state = { ...createSession({ seed: 1, now: Date.UTC(2026, 0, 1) }).cluster, objects: { customresourcedefinitions: crds } } as unknown as ClusterState;
    for (const def of kinds) {
      for (const name of [def.plural, def.singular, def.kind.toLowerCase(), ...def.shortNames]) {
        const found = lookupResource(name, state);
        expect(found.ok && found.type.def).toBe(def);
        const owner = seen.get(name);
        if (owner !== undefined) expect(owner).toBe(def.kind);
        seen.set(name, def.kind);
      }
      expect(kindByResource(def.plural)).toBe(def);
      expect(kindByName(def.kind)).toBe(def);
    }
  });

  it("expands `all` to the kinds in the category all, core first, then apps by name", () => {
    expect(allCategory).toEqual(["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "jobs"]);
  });

  it("lists one api-resources row per kind (custom kinds once their CRDs are installed)", () => {
    const run = simTerminal(3);
    // The default cluster (metallb profile) serves MetalLB's kinds without their CRDs.
    expect(run("kubectl api-resources").output.trim().split("\n").length - 1).toBe(kinds.filter((k) => k.crd === undefined || k.group === "metallb.io").length);
    run(`kubectl apply -f ${GATEWAY_API}`);
    run(`kubectl apply --server-side -f ${NGF_CRDS}`);
    const rows = run("kubectl api-resources").output.trim().split("\n").slice(1);
    expect(rows.length).toBe(kinds.length);
    expect(run("kubectl api-resources -o name").output.split("\n").filter(Boolean).sort()).toEqual(
      kinds.map((k) => (k.group ? `${k.plural}.${k.group}` : k.plural)).sort(),
    );
  });

  it("refuses to store kinds that only the controllers derive (no strategy)", () => {
    const session = createSession({ seed: 1, now: Date.UTC(2026, 0, 1) });
    const tx = new Tx(session.cluster);
    const result = createObject(tx, { apiVersion: "v1", kind: "Endpoints", metadata: { name: "x" } }, { now: tx.state.now, random: createRandom(1) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status.message).toBe('no matches for kind "Endpoints" in version "v1"');
  });

  it("serves get and describe of every kind through its table and describer", () => {
    const run = simTerminal(5);
    run("kubectl create deployment web --image=nginx");
    run("kubectl expose deployment web --port=80");
    run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\nEOF");
    run("kubectl create quota q --hard=pods=5");
    run("kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: redis\n        image: redis\nEOF");
    run("kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\nEOF");
    run('kubectl create ingress web --class=nginx --rule="app.example.com/*=web:80"');
    run("kubectl apply -f https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/baremetal/deploy.yaml");
    // ingress-nginx's Jobs are deleted once finished (ttlSecondsAfterFinished: 0): one that stays.
    run("kubectl create job hello --image=busybox -- echo hello");
    run("kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\nEOF");
    run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /mnt/data\nEOF");
    run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\nEOF");
    run(`kubectl apply -f ${GATEWAY_API}`);
    const gw = (kind: string, version: string, name: string, spec: string) => run(`kubectl apply -f - <<EOF\napiVersion: gateway.networking.k8s.io/${version}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}EOF`);
    expect(gw("GatewayClass", "v1", "nginx", "  controllerName: gateway.nginx.org/nginx-gateway-controller\n").exitCode).toBe(0);
    expect(gw("Gateway", "v1", "web", "  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n").exitCode).toBe(0);
    expect(gw("HTTPRoute", "v1", "web", "  parentRefs:\n  - name: web\n  rules:\n  - backendRefs:\n    - name: web\n      port: 80\n").exitCode).toBe(0);
    expect(gw("GRPCRoute", "v1", "grpc", "  parentRefs:\n  - name: web\n").exitCode).toBe(0);
    expect(gw("TLSRoute", "v1", "tls", "  parentRefs:\n  - name: web\n  hostnames:\n  - tls.example.com\n  rules:\n  - backendRefs:\n    - name: web\n      port: 443\n").exitCode).toBe(0);
    expect(gw("ListenerSet", "v1", "extra", "  parentRef:\n    name: web\n  listeners:\n  - name: extra\n    port: 8080\n    protocol: HTTP\n").exitCode).toBe(0);
    // v1.5.1 serves ReferenceGrant in v1 as well as v1beta1 (NGF's examples write v1).
    expect(gw("ReferenceGrant", "v1", "from-web-v1", "  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: other\n  to:\n  - group: ''\n    kind: Service\n").exitCode).toBe(0);
    expect(gw("ReferenceGrant", "v1beta1", "from-web", "  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: other\n  to:\n  - group: ''\n    kind: Service\n").exitCode).toBe(0);
    expect(gw("BackendTLSPolicy", "v1", "tls", "  targetRefs:\n  - group: ''\n    kind: Service\n    name: web\n  validation:\n    hostname: web.example.com\n    wellKnownCACertificates: System\n").exitCode).toBe(0);
    run(`kubectl apply --server-side -f ${NGF_CRDS}`);
    run("kubectl apply -f - <<EOF\napiVersion: gateway.nginx.org/v1alpha1\nkind: NginxGateway\nmetadata:\n  name: config\nspec:\n  logging:\n    level: info\nEOF");
    run("kubectl apply -f - <<EOF\napiVersion: gateway.nginx.org/v1alpha2\nkind: NginxProxy\nmetadata:\n  name: proxy\nspec: {}\nEOF");
    run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\nspec:\n  limits:\n  - type: Container\n    max:\n      cpu: '1'\nEOF");
    for (const def of kinds) {
      const get = run(`kubectl get ${def.plural} -A`);
      expect(get.exitCode).toBe(0);
      expect(get.output).toMatch(new RegExp(`^(NAMESPACE +)?${def.table.columns[0]}  `, "m"));
      // All nine Gateway API CRDs described are more text than a console command may print: one is enough.
      const described = run(def.kind === "CustomResourceDefinition" ? "kubectl describe crd referencegrants.gateway.networking.k8s.io" : `kubectl describe ${def.plural} -A`);
      expect(described.exitCode).toBe(0);
      expect(described.output).toMatch(/^Name: /m);
    }
  });
});
