// /openapi/v3 and /openapi/v2 on the session's API: the documents kubectl explain and
// client-side validation read, from the registry kinds' schemas.
import { describe, expect, it } from "vitest";
import { serveKubeApi } from "../../../worker/sim/api/server.ts";
import { createSession } from "../../../worker/sim/engine.ts";
import { kinds } from "../../../worker/sim/kinds/index.ts";

const state = createSession({ seed: 3, now: Date.UTC(2026, 0, 1) });
const get = (path: string, method = "GET", accept = "application/json") => {
  const response = serveKubeApi(state.cluster, { method, path, query: {}, accept, canWrite: false });
  return { ...response, json: JSON.parse(response.body) as Record<string, any> };
};

describe("the session's OpenAPI documents", () => {
  it("lists one v3 document per served group/version, each under a content hash", () => {
    const index = get("/openapi/v3").json.paths as Record<string, { serverRelativeURL: string }>;
    const expected = [...new Set(kinds.map((k) => (k.group === "" ? `api/${k.version}` : `apis/${k.group}/${k.version}`)))];
    expect(Object.keys(index).sort()).toEqual(expected.sort());
    expect(index["api/v1"].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{16}$/);
  });

  it("serves a group/version's kinds with their paths and x-kubernetes-group-version-kind", () => {
    const apps = get("/openapi/v3/apis/apps/v1").json;
    expect(apps.openapi).toBe("3.0.0");
    expect(apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments"].get["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    const deployment = apps.components.schemas["io.k8s.api.apps.v1.Deployment"];
    expect(deployment["x-kubernetes-group-version-kind"]).toEqual([{ group: "apps", version: "v1", kind: "Deployment" }]);
    // A field referring to another schema carries its own description beside allOf, as the API server's v3 does.
    expect(deployment.properties.spec).toEqual({ description: expect.stringContaining("desired behavior of the Deployment"), allOf: [{ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec" }] });
    expect(apps.components.schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toMatchObject({ format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] });
    expect(apps.components.schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"].type).toBeUndefined();
    // Only what the group/version's kinds reach: no Service in apps/v1.
    expect(apps.components.schemas["io.k8s.api.core.v1.Service"]).toBeUndefined();
  });

  it("serves the Swagger 2.0 document of every kind with a schema at /openapi/v2", () => {
    const v2 = get("/openapi/v2").json;
    expect(v2.swagger).toBe("2.0");
    expect(v2.definitions["io.k8s.api.core.v1.Pod"].properties.spec.$ref).toBe("#/definitions/io.k8s.api.core.v1.PodSpec");
    expect(v2.definitions["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"]).toEqual([{ group: "", version: "v1", kind: "Pod" }]);
  });

  it("lists the reads discovery serves and the writes the API serves, each naming its kind", () => {
    const core = get("/openapi/v3/api/v1").json;
    expect(Object.keys(core.paths["/api/v1/namespaces/{namespace}/pods/{name}"])).toEqual(["get", "put", "delete", "patch"]);
    expect(Object.keys(core.paths["/api/v1/namespaces/{namespace}/pods"])).toEqual(["get", "post", "delete"]);
    // Derived kinds are only read.
    expect(Object.keys(core.paths["/api/v1/namespaces/{namespace}/endpoints/{name}"])).toEqual(["get"]);
    expect(core.paths["/api/v1/nodes"].get["x-kubernetes-group-version-kind"]).toEqual({ group: "", version: "v1", kind: "Node" });
  });

  it("offers fieldValidation on patch, where kubectl looks before leaving validation to the server", () => {
    const apps = get("/openapi/v3/apis/apps/v1").json;
    const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain("fieldValidation");
  });

  it("refuses /openapi/v2 to a client that accepts only protobuf, as kubectl's validation asks", () => {
    const response = get("/openapi/v2", "GET", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    expect(response.status).toBe(406);
    expect(response.json.reason).toBe("NotAcceptable");
  });

  it("answers 404 for a document it does not serve and 405 for writes", () => {
    expect(get("/openapi/v3/apis/apps/v2").status).toBe(404);
    expect(get("/openapi/v3", "POST").status).toBe(405);
  });
});
