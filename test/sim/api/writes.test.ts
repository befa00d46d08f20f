import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { type KubeApiWriteRequest, serveKubeApiWrite } from "../../../worker/sim/api/writes.ts";

const START = Date.UTC(2026, 0, 1);

function session(commands: string[] = []): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = execute(state, command, { now: state.cluster.now + 1000 }).state;
  return state;
}

function send(state: SessionState, method: string, path: string, body: unknown = "", contentType = "application/json", query: Record<string, string> = {}) {
  const request: KubeApiWriteRequest = { method, path, query, accept: "application/json", canWrite: true, body: typeof body === "string" ? body : JSON.stringify(body), contentType };
  const result = serveKubeApiWrite(state, request, state.cluster.now + 1000);
  return { ...result, json: JSON.parse(result.response.body) as Record<string, any> };
}

function console(state: SessionState, command: string): string {
  return execute(state, command, { now: state.cluster.now + 1000 }).output;
}

const POD = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { run: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } };

describe("writes through the session's Kubernetes API", () => {
  it("creates through the same API server as the console: defaults applied, pod scheduled, 201 with the object", () => {
    const created = send(session(), "POST", "/api/v1/namespaces/default/pods", POD);
    expect(created.response.status).toBe(201);
    expect(created.changed).toBe(true);
    expect(created.summary).toBe("POST pods web");
    expect(created.json).toMatchObject({ kind: "Pod", apiVersion: "v1", metadata: { name: "web", namespace: "default" }, spec: { containers: [{ imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log" }] } });
    expect(console(created.state, "kubectl get pod web -o jsonpath={.spec.nodeName}")).toMatch(/^node0[12]$/);
  });

  it("answers a second create with AlreadyExists and an invalid object with the API server's Invalid, changing nothing", () => {
    const once = send(session(), "POST", "/api/v1/namespaces/default/pods", POD).state;
    const again = send(once, "POST", "/api/v1/namespaces/default/pods", POD);
    expect(again.response.status).toBe(409);
    expect(again.json).toMatchObject({ reason: "AlreadyExists", message: 'pods "web" already exists' });
    expect(again.state).toBe(once);
    const invalid = send(once, "POST", "/api/v1/namespaces/default/pods", { ...POD, metadata: { name: "Bad_Name" } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.json.reason).toBe("Invalid");
    expect(invalid.json.message).toMatch(/^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
  });

  it("refuses a body of another kind or namespace than the URL's", () => {
    const kind = send(session(), "POST", "/apis/apps/v1/namespaces/default/deployments", POD);
    expect(kind.json.message).toBe("the API version in the data (v1) does not match the expected API version (apps/v1)");
    const ns = send(session(), "POST", "/api/v1/namespaces/default/pods", { ...POD, metadata: { name: "web", namespace: "kube-system" } });
    expect(ns.json.message).toBe("the namespace of the provided object does not match the namespace sent on the request");
  });

  it("dryRun=All checks and answers without keeping anything", () => {
    const state = session();
    const dry = send(state, "POST", "/api/v1/namespaces/default/pods", POD, "application/json", { dryRun: "All" });
    expect(dry.response.status).toBe(201);
    expect(dry.state).toBe(state);
    expect(console(dry.state, "kubectl get pod web")).toBe('Error from server (NotFound): pods "web" not found\n');
  });

  it("patches with a strategic merge patch by the containers' merge key, a merge patch and a JSON patch", () => {
    const state = session(["kubectl create deployment api --image=httpd --replicas=2"]);
    const strategic = send(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", { spec: { template: { spec: { containers: [{ name: "httpd", image: "httpd:2.4" }] } } } }, "application/strategic-merge-patch+json");
    expect(strategic.response.status).toBe(200);
    expect(strategic.json.spec.template.spec.containers).toHaveLength(1);
    // Merged into the live container: its imagePullPolicy (Always, for the untagged image) stays, where a replaced container would be defaulted anew (IfNotPresent for httpd:2.4).
    expect(strategic.json.spec.template.spec.containers[0]).toMatchObject({ name: "httpd", image: "httpd:2.4", imagePullPolicy: "Always" });
    const merge = send(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", { metadata: { labels: { tier: "back" } } }, "application/merge-patch+json");
    expect(merge.json.metadata.labels).toEqual({ app: "api", tier: "back" });
    const jsonPatch = send(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", [{ op: "replace", path: "/spec/replicas", value: 4 }], "application/json-patch+json");
    expect(jsonPatch.json.spec.replicas).toBe(4);
    expect(console(jsonPatch.state, "kubectl get rs -o jsonpath={.items[0].spec.replicas}")).toBe("4");
  });

  it("scales through the scale subresource, answering an autoscaling/v1 Scale", () => {
    const state = session(["kubectl create deployment api --image=httpd --replicas=2"]);
    const scaled = send(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api/scale", { spec: { replicas: 3 } }, "application/merge-patch+json");
    expect(scaled.json).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "api", namespace: "default" }, spec: { replicas: 3 }, status: { selector: "app=api" } });
    expect(scaled.summary).toBe("PATCH deployments/scale api");
    expect(console(scaled.state, "kubectl get pods -l app=api -o name").split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("server-side apply needs a field manager, creates what is missing and merges into what exists", () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: '1'\n";
    const noManager = send(session(), "PATCH", "/api/v1/namespaces/default/configmaps/settings", yaml, "application/apply-patch+yaml");
    expect(noManager.response.status).toBe(422);
    expect(noManager.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const created = send(session(), "PATCH", "/api/v1/namespaces/default/configmaps/settings", yaml, "application/apply-patch+yaml", { fieldManager: "kubectl" });
    expect(created.response.status).toBe(201);
    const merged = send(created.state, "PATCH", "/api/v1/namespaces/default/configmaps/settings", yaml.replace("'1'", "'2'"), "application/apply-patch+yaml", { fieldManager: "kubectl" });
    expect(merged.json.data).toEqual({ a: "2" });
  });

  it("deletes a pod gracefully (the object, deletionTimestamp set) and a Service at once (Success)", () => {
    const state = session(["kubectl run web --image=nginx", "kubectl expose pod web --port 80"]);
    const pod = send(state, "DELETE", "/api/v1/namespaces/default/pods/web", { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    expect(pod.json).toMatchObject({ kind: "Pod", metadata: { name: "web" } });
    expect(pod.json.metadata.deletionTimestamp).toBeDefined();
    const svc = send(state, "DELETE", "/api/v1/namespaces/default/services/web");
    expect(svc.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "web", kind: "services" } });
    expect(console(svc.state, "kubectl get svc web")).toBe('Error from server (NotFound): services "web" not found\n');
  });

  it("takes DeleteOptions.gracePeriodSeconds from the body or the query: a shorter grace period, or 0 to remove the pod at once", () => {
    const state = session(["kubectl run a --image=nginx", "kubectl run b --image=nginx", "kubectl run c --image=nginx"]);
    const a = send(state, "DELETE", "/api/v1/namespaces/default/pods/a", { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 5 });
    expect(a.json.metadata.deletionGracePeriodSeconds).toBe(5);
    const b = send(a.state, "DELETE", "/api/v1/namespaces/default/pods/b", "", "", { gracePeriodSeconds: "0" });
    expect(b.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "b", kind: "pods" } });
    const c = send(b.state, "DELETE", "/api/v1/namespaces/default/pods/c", "", "", { gracePeriodSeconds: "soon" });
    expect(c.response.status).toBe(400);
  });

  it("deletecollection with a label selector, and Orphan leaves a Deployment's ReplicaSet in place", () => {
    const state = session(["kubectl run a --image=nginx -l tier=x", "kubectl run b --image=nginx -l tier=x", "kubectl run c --image=nginx", "kubectl create deployment api --image=httpd"]);
    const some = send(state, "DELETE", "/api/v1/namespaces/default/pods", "", "", { labelSelector: "tier=x" });
    expect(some.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(["a", "b"]);
    const orphaned = send(state, "DELETE", "/apis/apps/v1/namespaces/default/deployments/api", { propagationPolicy: "Orphan" });
    expect(orphaned.response.status).toBe(200);
    const after = execute(orphaned.state, "kubectl get rs -o jsonpath={.items[0].metadata.ownerReferences}", { now: orphaned.state.cluster.now + 5000 });
    expect(after.output).toBe("");
    expect(console(after.state, "kubectl get rs -o name")).toMatch(/^replicaset.apps\/api-/);
  });
});

describe("managedFields of writes that are not applies", () => {
  const KUBECTL = "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0";
  const write = (state: SessionState, method: string, path: string, body: string, contentType: string, query: Record<string, string>) =>
    serveKubeApiWrite(state, { method, path, query, accept: "application/json", canWrite: true, body, contentType, userAgent: KUBECTL }, state.cluster.now + 1000);

  it("a patch is recorded under its fieldManager, the scale subresource under the User-Agent's first word; server-side apply then conflicts with them", () => {
    let state = session(["kubectl create deployment api --image=httpd --replicas=2"]);
    const labeled = write(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", '{"metadata":{"labels":{"tier":"back"}}}', "application/merge-patch+json", { fieldManager: "kubectl-label" });
    expect(labeled.response.status).toBe(200);
    state = labeled.state;
    const scaled = write(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api/scale", '{"spec":{"replicas":4}}', "application/merge-patch+json", {});
    expect(scaled.response.status).toBe(200);
    state = scaled.state;
    const got = send(state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", '{"metadata":{"annotations":{"n":"1"}}}', "application/merge-patch+json", { fieldManager: "kubectl-annotate" });
    const managed = (got.json as { metadata: { managedFields: Array<Record<string, unknown>> } }).metadata.managedFields;
    expect(managed.map((e) => [e.manager, e.operation, e.subresource, e.fieldsV1])).toEqual([
      ["kubectl-label", "Update", undefined, { "f:metadata": { "f:labels": { "f:tier": {} } } }],
      ["kubectl", "Update", "scale", { "f:spec": { "f:replicas": {} } }],
      // The Deployment controller's revision annotation was there: the map is no member of this write.
      ["kubectl-annotate", "Update", undefined, { "f:metadata": { "f:annotations": { "f:n": {} } } }],
    ]);
    const applied = write(got.state, "PATCH", "/apis/apps/v1/namespaces/default/deployments/api", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n", "application/apply-patch+yaml", { fieldManager: "kubectl" });
    expect(applied.response.status).toBe(409);
    expect(JSON.parse(applied.response.body).message).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
  });
});
