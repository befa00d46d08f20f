// The field sets server-side apply records (structured-merge-diff's fieldsV1) for the built-in
// kinds' list types, the paths its conflicts print, and what a manager stops owning.
import { describe, expect, it } from "vitest";
import { afterUpdate, appliedFields, conflictMessage, conflictsOf, leaves, pathString, released, removeFields, without, type ManagedFieldsEntry } from "../../../worker/sim/api/managed-fields.ts";

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
    expect(conflictMessage(conflicts.slice(0, 1).map(({ manager, path }) => ({ manager, path })), [entry("kubectl", {}, "Update")])).toBe('Apply failed with 1 conflict: conflict with "kubectl" using v1: .spec.replicas');
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

describe("afterUpdate: the Update entry of a write that is not an apply", () => {
  const T0 = "2026-01-01T00:00:00Z";
  const T1 = "2026-01-01T00:05:00Z";
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u" }, spec: { containers: [{ name: "web", image: "nginx" }] }, status: { phase: "Running" } };
  const withLabels = (labels: Record<string, string>) => ({ ...pod, metadata: { ...pod.metadata, labels } });

  it.each([
    ["a new map gets its own member (.), a new key its field", pod, withLabels({ run: "web" }), { "f:metadata": { "f:labels": { ".": {}, "f:run": {} } } }],
    ["a key added to an existing map is only its field", withLabels({ run: "web" }), withLabels({ run: "web", tier: "front" }), { "f:metadata": { "f:labels": { "f:tier": {} } } }],
    ["a changed list item's field, by the item's key", pod, { ...pod, spec: { containers: [{ name: "web", image: "httpd" }] } }, { "f:spec": { "f:containers": { 'k:{"name":"web"}': { "f:image": {} } } } }],
    ["a new list item: itself and each of its fields, maps inside it too", pod, { ...pod, spec: { containers: [...pod.spec.containers, { name: "side", image: "busybox", resources: {} }] } }, { "f:spec": { "f:containers": { 'k:{"name":"side"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} } } } }],
  ])("%s", (_name, live, next, fieldsV1) => {
    expect(afterUpdate([], live, next, "Pod", "v1", "kubectl-edit", undefined, T1)).toEqual([{ manager: "kubectl-edit", operation: "Update", apiVersion: "v1", time: T1, fieldsType: "FieldsV1", fieldsV1 }]);
  });

  it("identity, status and unchanged writes own nothing: the entries stay as they were", () => {
    const before = [entry("kubectl-create", { "f:spec": { "f:containers": {} } }, "Update")];
    const moved = { ...pod, metadata: { ...pod.metadata, resourceVersion: "9", generation: 2 }, status: { phase: "Failed" } };
    expect(afterUpdate(before, pod, moved, "Pod", "v1", "kubectl-edit", undefined, T1)).toEqual(before);
  });

  it("a changed field leaves its other owners (an update is forced), a removed one leaves everyone; the manager's entry merges and takes the time; Apply entries come first", () => {
    const live = withLabels({ a: "1", b: "2" });
    const applier = { ...entry("kubectl", { "f:metadata": { "f:labels": { "f:a": {}, "f:b": {} } } }), time: T0 };
    const labeler = { ...entry("kubectl-label", { "f:metadata": { "f:labels": { "f:c": {} } } }, "Update"), time: T0 };
    const next = withLabels({ a: "9", c: "3" });
    expect(afterUpdate([labeler, applier], { ...live, metadata: { ...live.metadata, labels: { a: "1", b: "2", c: "3" } } }, next, "Pod", "v1", "kubectl-label", undefined, T1)).toEqual([
      // b was removed: it leaves kubectl; a was changed: kubectl-label takes it.
      // kubectl kept nothing, so its entry goes.
      { ...labeler, time: T1, fieldsV1: { "f:metadata": { "f:labels": { "f:a": {}, "f:c": {} } } } },
    ]);
  });

  it("the scale subresource's write is an entry of its own, the conflict names it as kube-apiserver does", () => {
    const deploy = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "api" } } } };
    const entries = afterUpdate([], deploy, { ...deploy, spec: { ...deploy.spec, replicas: 5 } }, "Deployment", "apps/v1", "kubectl", "scale", T1);
    expect(entries).toEqual([{ manager: "kubectl", operation: "Update", apiVersion: "apps/v1", time: T1, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" }]);
    const config = { spec: { replicas: 2 } };
    const conflicts = conflictsOf(entries, "kubectl", appliedFields(config, "Deployment"), config, { ...deploy, spec: { ...deploy.spec, replicas: 5 } });
    expect(conflictMessage(conflicts, entries)).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
  });
});
