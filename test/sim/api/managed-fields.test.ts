// The field sets server-side apply records (structured-merge-diff's fieldsV1) for the built-in
// kinds' list types, the paths its conflicts print, and what a manager stops owning.
import { describe, expect, it } from "vitest";
import { appliedFields, conflictMessage, conflictsOf, leaves, pathString, released, removeFields, without, type ManagedFieldsEntry } from "../../../worker/sim/api/managed-fields.ts";

const entry = (manager: string, fieldsV1: ManagedFieldsEntry["fieldsV1"], operation: "Apply" | "Update" = "Apply"): ManagedFieldsEntry => ({ manager, operation, apiVersion: "v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1 });

describe("appliedFields", () => {
  it("keys a Service's ports by port and protocol, owns its selector whole, and leaves identity and status out", () => {
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", finalizers: ["x/y"] }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }, { port: 53, protocol: "UDP" }] }, status: { loadBalancer: {} } };
    expect(appliedFields(service, "Service")).toEqual({
      "f:metadata": { "f:finalizers": { 'v:"x/y"': {} } },
      "f:spec": { "f:ports": { 'k:{"port":53,"protocol":"UDP"}': { ".": {}, "f:port": {}, "f:protocol": {} }, 'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:port": {}, "f:targetPort": {} } }, "f:selector": {} },
    });
  });

  it("owns lists without keys whole (args, tolerations) and maps field by field (a Pod's nodeSelector, resources)", () => {
    const pod = { kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", args: ["a", "b"], resources: { limits: { cpu: "1" } } }], tolerations: [{ key: "k" }], nodeSelector: { disk: "ssd" } } };
    expect(appliedFields(pod, "Pod")).toEqual({
      "f:spec": { "f:containers": { 'k:{"name":"c"}': { ".": {}, "f:args": {}, "f:name": {}, "f:resources": { "f:limits": { "f:cpu": {} } } } }, "f:nodeSelector": { "f:disk": {} }, "f:tolerations": {} },
    });
  });
});

describe("conflicts and release", () => {
  const live = { metadata: { labels: { a: "1", b: "2" } }, spec: { replicas: 2, template: { spec: { containers: [{ name: "web", image: "nginx" }] } } } };
  const owner = entry("kubectl", { "f:metadata": { "f:labels": { "f:a": {}, "f:b": {} } }, "f:spec": { "f:replicas": {}, "f:template": { "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } } } } });

  it("finds the fields set to another value that another manager owns, and prints them as kube-apiserver does", () => {
    const config = { spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "httpd" }] } } }, metadata: { labels: { a: "1" } } };
    const fields = appliedFields(config, "Deployment");
    const conflicts = conflictsOf([owner], "scaler", fields, config, live);
    expect(conflicts.map((c) => pathString(c.path))).toEqual([".spec.replicas", '.spec.template.spec.containers[name="web"].image']);
    expect(conflictMessage(conflicts, [owner])).toBe('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image');
    expect(conflictMessage(conflicts.slice(0, 1), [entry("kubectl", {}, "Update")])).toBe('Apply failed with 1 conflict: conflict with "kubectl" using v1: .spec.replicas');
    expect(conflictsOf([owner], "kubectl", fields, config, live)).toEqual([]);
  });

  it("removes what a manager no longer applies unless another manager owns it", () => {
    const next = appliedFields({ metadata: { labels: { a: "1" } } }, "Deployment");
    const other = entry("scaler", { "f:spec": { "f:replicas": {} } });
    const gone = released([owner, other], "kubectl", next);
    expect(gone.map(pathString)).toEqual([".metadata.labels.b", '.spec.template.spec.containers[name="web"]', '.spec.template.spec.containers[name="web"].image', '.spec.template.spec.containers[name="web"].name']);
    const object = JSON.parse(JSON.stringify(live)) as Record<string, unknown>;
    removeFields(object, gone);
    expect(object).toEqual({ metadata: { labels: { a: "1" } }, spec: { replicas: 2, template: { spec: { containers: [] } } } });
    expect(leaves(without(owner.fieldsV1, [["f:spec", "f:replicas"]])).map(pathString)).not.toContain(".spec.replicas");
  });
});
