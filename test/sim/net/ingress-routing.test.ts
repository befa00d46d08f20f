// The routing table ingress-nginx's nginx.conf amounts to: server by host, then location by path.

import { describe, expect, it } from "vitest";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import type { ClusterState } from "../../../worker/sim/cluster/types.ts";
import type { Ingress } from "../../../worker/sim/kinds/ingress.ts";
import { matchIngress, routingTable } from "../../../worker/sim/net/ingress-nginx.ts";

function ingress(name: string, created: string, rules: Ingress["spec"]["rules"], extra: Partial<Ingress["spec"]> = {}, annotations?: Record<string, string>): Ingress {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: "default", creationTimestamp: created, ...(annotations ? { annotations } : {}) },
    spec: { ingressClassName: "nginx", rules, ...extra },
    status: { loadBalancer: {} },
  } as Ingress;
}

const svc = (name: string) => ({ service: { name, port: { number: 80 } } });

function table(...ings: Ingress[]) {
  const state = {
    objects: {
      ingresses: Object.fromEntries(ings.map((i) => [`default/${i.metadata.name}`, i])),
      ingressclasses: { nginx: { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } } },
    },
  } as unknown as ClusterState;
  return routingTable(state);
}

const to = (t: ReturnType<typeof table>, host: string, path: string) => {
  const m = matchIngress(t, host, path);
  return m.kind === "rule" ? `${m.target.service} ${m.target.location}` : "default-backend";
};

describe("ingress-nginx's routing table", () => {
  const t = table(
    ingress("a", "2026-01-01T00:00:00Z", [
      {
        host: "app.example",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: svc("root") },
            { path: "/api", pathType: "Prefix", backend: svc("api") },
            { path: "/api/v2", pathType: "Prefix", backend: svc("v2") },
            { path: "/exact", pathType: "Exact", backend: svc("exact") },
            { path: "/impl", pathType: "ImplementationSpecific", backend: svc("impl") },
          ],
        },
      },
      { host: "*.wild.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: svc("wild") }] } },
      { http: { paths: [{ path: "/any", pathType: "Prefix", backend: svc("any") }] } },
    ]),
    // Younger: its /api on the same host loses to a's.
    ingress("b", "2026-01-01T00:01:00Z", [{ host: "app.example", http: { paths: [{ path: "/api", pathType: "Prefix", backend: svc("late") }, { path: "/b", pathType: "Exact", backend: svc("b") }] } }]),
    // Another class: not in the table.
    { ...ingress("c", "2026-01-01T00:00:00Z", [{ host: "other.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: svc("c") }] } }]), spec: { ingressClassName: "traefik", rules: [{ host: "other.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: svc("c") }] } }] } } as Ingress,
  );

  it.each([
    ["app.example", "/", "root /"],
    ["app.example", "/api", "api = /api"],
    ["app.example", "/api/", "api /api/"],
    ["app.example", "/api/users", "api /api/"],
    ["app.example", "/apix", "root /"],
    ["app.example", "/api/v2/x", "v2 /api/v2/"],
    ["app.example", "/exact", "exact = /exact"],
    ["app.example", "/exact/", "root /"],
    ["app.example", "/implementation", "impl /impl"],
    ["app.example", "/b", "b = /b"],
    ["x.wild.example", "/", "wild /"],
    ["a.b.wild.example", "/z", "wild /"],
    ["wild.example", "/any", "any = /any"],
    ["nothing.example", "/any/thing", "any /any/"],
    ["nothing.example", "/", "default-backend"],
    ["other.example", "/", "default-backend"],
  ])("%s%s goes to %s", (host, path, expected) => {
    expect(to(t, host, path)).toBe(expected);
  });

  it("with rewrite-target, tries the host's paths as case-insensitive regexes, longest path first", () => {
    const r = table(ingress("r", "2026-01-01T00:00:00Z", [{ host: "r.example", http: { paths: [{ path: "/a(/|$)(.*)", pathType: "ImplementationSpecific", backend: svc("a") }, { path: "/a/b(/|$)(.*)", pathType: "ImplementationSpecific", backend: svc("ab") }] } }], {}, { "nginx.ingress.kubernetes.io/rewrite-target": "/$2" }));
    expect(to(r, "r.example", "/A/b/c")).toBe('ab ~* "^/a/b(/|$)(.*)"');
    expect(to(r, "r.example", "/a/x")).toBe('a ~* "^/a(/|$)(.*)"');
    expect(to(r, "r.example", "/b")).toBe("default-backend");
  });

  it("follows an Ingress changed in place within one transaction (the record keeps its identity)", () => {
    const classes = { nginx: { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } } };
    const base = { objects: { ingresses: { "default/w": ingress("w", "2026-01-01T00:00:00Z", [{ host: "w.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: svc("first") }] } }]) }, ingressclasses: classes } } as unknown as ClusterState;
    const tx = new Tx(base);
    tx.writeResource("ingresses");
    expect(to(routingTable(tx.state), "w.example", "/")).toBe("first /");
    const record = tx.writeResource("ingresses");
    expect(record).toBe(tx.state.objects!.ingresses);
    record["default/w"] = ingress("w", "2026-01-01T00:00:00Z", [{ host: "w.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: svc("second") }] } }]);
    expect(to(routingTable(tx.state), "w.example", "/")).toBe("second /");
  });
});
