import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { type KubeApiRequest, serveKubeApi, unauthorized } from "../../../worker/sim/api/server.ts";
import { columnName } from "../../../worker/sim/api/table.ts";

/** A session with a pod, a NodePort Service and a Deployment, a minute after the last command. */
function session(): SessionState {
  let now = Date.UTC(2026, 0, 1);
  let state = createSession({ seed: 11, now });
  for (const command of ["kubectl run web --image=nginx", "kubectl expose pod web --port 80 --type NodePort", "kubectl create deployment api --image=httpd --replicas=2"]) {
    now += 3000;
    state = execute(state, command, { now }).state;
  }
  return execute(state, "true", { now: now + 60_000 }).state;
}

function console(state: SessionState, command: string): string {
  return execute(state, command, { now: state.cluster.now }).output;
}

function get(state: SessionState, path: string, init: Partial<KubeApiRequest> = {}) {
  const response = serveKubeApi(state.cluster, { method: "GET", path, query: {}, accept: "application/json", canWrite: false, ...init });
  return { ...response, json: JSON.parse(response.body) as Record<string, any> };
}

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const AGGREGATED_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

describe("the session's Kubernetes API: discovery", () => {
  const state = session();

  it("reports the same server version as the console's kubectl version", () => {
    const consoleVersion = JSON.parse(console(state, "kubectl version -o json")).serverVersion;
    expect(get(state, "/version").json).toEqual(consoleVersion);
  });

  it("lists the core version under /api and the named groups under /apis", () => {
    expect(get(state, "/api").json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = get(state, "/apis").json.groups.map((g: { name: string; preferredVersion: { groupVersion: string } }) => g.preferredVersion.groupVersion);
    expect(groups).toEqual(expect.arrayContaining(["apps/v1", "discovery.k8s.io/v1", "coordination.k8s.io/v1"]));
  });

  it("lists each group/version's resources with names, short names and categories", () => {
    const core = get(state, "/api/v1").json;
    expect(core).toMatchObject({ kind: "APIResourceList", groupVersion: "v1" });
    expect(core.resources.find((r: { name: string }) => r.name === "pods")).toEqual({
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"],
      categories: ["all"],
    });
    const apps = get(state, "/apis/apps/v1").json;
    expect(apps.resources.find((r: { name: string }) => r.name === "deployments")).toMatchObject({ kind: "Deployment", shortNames: ["deploy"], namespaced: true });
    expect(get(state, "/apis/apps/v2").status).toBe(404);
  });

  it("answers aggregated discovery (apidiscovery.k8s.io/v2) when the client asks for it", () => {
    const core = get(state, "/api", { accept: AGGREGATED_ACCEPT });
    expect(core.contentType).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const pods = core.json.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === "pods");
    expect(pods).toMatchObject({ responseKind: { group: "", version: "v1", kind: "Pod" }, scope: "Namespaced", singularResource: "pod", shortNames: ["po"] });
    const named = get(state, "/apis", { accept: AGGREGATED_ACCEPT }).json;
    expect(named.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toContain("apps");
    // A client that lists plain JSON first gets the legacy document.
    expect(get(state, "/api", { accept: "application/json, */*" }).json.kind).toBe("APIVersions");
  });

  it("lists the scale subresource of deployments, replicasets and statefulsets as kube-apiserver does (kubectl autoscale looks it up)", () => {
    const apps = get(state, "/apis/apps/v1").json.resources as Array<{ name: string }>;
    const names = apps.map((r) => r.name);
    for (const plural of ["deployments", "replicasets", "statefulsets"]) {
      // Right after its resource, as the API server lists a resource's subresources.
      expect(names.indexOf(`${plural}/scale`)).toBe(names.indexOf(plural) + 1);
      expect(apps.find((r) => r.name === `${plural}/scale`)).toEqual({ name: `${plural}/scale`, singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
    }
    expect(names.filter((n) => n.includes("/"))).toEqual(["deployments/scale", "replicasets/scale", "statefulsets/scale"]);
    const aggregated = get(state, "/apis", { accept: AGGREGATED_ACCEPT }).json.items.find((i: { metadata: { name: string } }) => i.metadata.name === "apps");
    const deployments = aggregated.versions[0].resources.find((r: { resource: string }) => r.resource === "deployments");
    expect(deployments.subresources).toEqual([{ subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] }]);
    expect(aggregated.versions[0].resources.find((r: { resource: string }) => r.resource === "daemonsets").subresources).toBeUndefined();
  });
});

describe("the session's Kubernetes API: the scale subresource", () => {
  const state = session();

  it("GETs a Deployment's autoscaling/v1 Scale, and answers NotFound for a missing one or a kind without scale", () => {
    const scale = get(state, "/apis/apps/v1/namespaces/default/deployments/api/scale");
    expect(scale.status).toBe(200);
    const deployment = get(state, "/apis/apps/v1/namespaces/default/deployments/api").json;
    expect(scale.json).toEqual({
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name: "api", namespace: "default", uid: deployment.metadata.uid, resourceVersion: deployment.metadata.resourceVersion, creationTimestamp: deployment.metadata.creationTimestamp },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: "app=api" },
    });
    expect(get(state, "/apis/apps/v1/namespaces/default/deployments/nope/scale").json).toMatchObject({ code: 404, message: 'deployments.apps "nope" not found' });
    expect(get(state, "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy").status).toBe(200);
    expect(get(state, "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy/scale").status).toBe(404);
  });

  it("refuses an anonymous scale with the authorizer's Forbidden for the subresource", () => {
    expect(get(state, "/apis/apps/v1/namespaces/default/deployments/api/scale", { method: "PATCH" }).json.message).toBe(
      'deployments.apps "api" is forbidden: User "system:anonymous" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"',
    );
  });
});

describe("the session's Kubernetes API: reads", () => {
  const state = session();

  it("GETs an object as the console's kubectl get -o json prints it", () => {
    const served = get(state, "/api/v1/namespaces/default/pods/web").json;
    expect(served).toEqual(JSON.parse(console(state, "kubectl get pod web -o json")));
  });

  it("LISTs a kind in a namespace and in all namespaces, as a typed list", () => {
    const list = get(state, "/api/v1/namespaces/default/pods").json;
    expect(list.kind).toBe("PodList");
    expect(list.metadata.resourceVersion).toBe(String(state.cluster.resourceVersion));
    const names = list.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    expect(names).toContain("web");
    const all = get(state, "/api/v1/pods").json.items.map((p: { metadata: { namespace: string } }) => p.metadata.namespace);
    expect(all).toContain("kube-system");
    expect(get(state, "/api/v1/nodes").json.items).toHaveLength(3);
  });

  it("filters by label and field selectors, with the API server's errors for bad ones", () => {
    const labelled = get(state, "/api/v1/namespaces/default/pods", { query: { labelSelector: "app=api" } }).json.items;
    expect(labelled).toHaveLength(2);
    const onNode = get(state, "/api/v1/pods", { query: { fieldSelector: "metadata.name=web" } }).json.items;
    expect(onNode.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(["web"]);
    expect(get(state, "/api/v1/pods", { query: { fieldSelector: "spec.bogus=x" } }).json).toMatchObject({ code: 400, reason: "BadRequest", message: "field label not supported: spec.bogus" });
    expect(get(state, "/api/v1/pods", { query: { labelSelector: "a b" } }).status).toBe(400);
  });

  it("pages a list with limit and continue, and the pages add up to the list", () => {
    const whole = get(state, "/api/v1/pods").json.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = get(state, "/api/v1/pods", { query: { limit: "3", ...(token ? { continue: token } : {}) } }).json;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((p: { metadata: { name: string } }) => p.metadata.name));
      token = page.metadata.continue;
      if (token) expect(page.metadata.remainingItemCount).toBe(whole.length - seen.length);
    } while (token);
    expect(seen).toEqual(whole);
    expect(get(state, "/api/v1/pods", { query: { continue: "junk" } }).status).toBe(400);
  });

  it("answers a Table with the console's cells when kubectl asks for one", () => {
    const table = get(state, "/api/v1/namespaces/default/pods", { accept: TABLE_ACCEPT });
    expect(table.contentType).toBe("application/json;as=Table;v=v1;g=meta.k8s.io");
    const { columnDefinitions, rows } = table.json;
    const narrow = columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name.toUpperCase());
    expect(narrow).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(columnDefinitions[0]).toMatchObject({ name: "Name", format: "name" });
    // The console's table, cell by cell (its columns are separated by runs of spaces).
    const printed = console(state, "kubectl get pods -o wide").trimEnd().split("\n").slice(1).map((line) => line.split(/ {2,}/));
    expect(rows.map((r: { cells: string[] }) => r.cells)).toEqual(printed);
    // includeObject defaults to the metadata (kubectl's -A and --show-labels read it).
    expect(rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { namespace: "default" } });
    const full = get(state, "/api/v1/namespaces/default/pods/web", { accept: TABLE_ACCEPT, query: { includeObject: "Object" } }).json;
    expect(full.rows[0].object).toMatchObject({ kind: "Pod", apiVersion: "v1", spec: { containers: [{ image: "nginx" }] } });
    expect(get(state, "/api/v1/pods", { accept: TABLE_ACCEPT, query: { includeObject: "Everything" } }).status).toBe(400);
  });

  it("names columns as printers.go does", () => {
    expect(["NAME", "NOMINATED NODE", "CLUSTER-IP", "PORT(S)", "OS-IMAGE"].map(columnName)).toEqual(["Name", "Nominated Node", "Cluster-IP", "Port(s)", "OS-Image"]);
  });

  it("answers NotFound as the API server does", () => {
    expect(get(state, "/api/v1/namespaces/default/pods/nope").json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "nope" not found',
      reason: "NotFound",
      details: { name: "nope", kind: "pods" },
      code: 404,
    });
    expect(get(state, "/apis/apps/v1/namespaces/default/deployments/nope").json).toMatchObject({ message: 'deployments.apps "nope" not found', details: { group: "apps", kind: "deployments" } });
    expect(get(state, "/api/v1/widgets").json).toMatchObject({ code: 404, message: "the server could not find the requested resource" });
    // Nodes are cluster-scoped: there is no namespaced path for them.
    expect(get(state, "/api/v1/namespaces/default/nodes").status).toBe(404);
  });
});

describe("the session's Kubernetes API: who may write", () => {
  const state = session();

  it("refuses an anonymous write with the RBAC authorizer's Forbidden", () => {
    const created = get(state, "/api/v1/namespaces/default/pods", { method: "POST" });
    expect(created.json).toMatchObject({
      code: 403,
      reason: "Forbidden",
      message: 'pods is forbidden: User "system:anonymous" cannot create resource "pods" in API group "" in the namespace "default"',
      details: { kind: "pods" },
    });
    expect(get(state, "/apis/apps/v1/namespaces/default/deployments/api", { method: "DELETE" }).json.message).toBe(
      'deployments.apps "api" is forbidden: User "system:anonymous" cannot delete resource "deployments" in API group "apps" in the namespace "default"',
    );
    expect(get(state, "/api/v1/nodes/node01", { method: "PATCH" }).json.message).toBe(
      'nodes "node01" is forbidden: User "system:anonymous" cannot patch resource "nodes" in API group "" at the cluster scope',
    );
  });

  it("does not offer writes or watches yet, even to the editor", () => {
    expect(get(state, "/api/v1/namespaces/default/pods", { method: "POST", canWrite: true }).json).toMatchObject({ code: 405, reason: "MethodNotAllowed" });
    expect(get(state, "/api/v1/pods", { query: { watch: "1" } }).status).toBe(405);
  });

  it("words an unknown token's refusal as the API server does", () => {
    expect(JSON.parse(unauthorized().body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
  });
});
