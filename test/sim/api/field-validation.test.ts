// fieldValidation as kube-apiserver answers it: the bodies and expected errors are those of
// kubernetes' test/integration/apiserver/field_validation_test.go (typed Deployment).
import { describe, expect, it } from "vitest";
import { type KubeApiWriteRequest, serveKubeApiWrite } from "../../../worker/sim/api/writes.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

function session(commands: string[] = []): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = execute(state, command, { now: state.cluster.now + 1000 }).state;
  return state;
}

function send(state: SessionState, method: string, path: string, body: string, query: Record<string, string> = {}, contentType = "application/json") {
  const request: KubeApiWriteRequest = { method, path, query, accept: "application/json", canWrite: true, body, contentType };
  const result = serveKubeApiWrite(state, request, state.cluster.now + 1000);
  return { ...result, json: JSON.parse(result.response.body) as Record<string, any> };
}

const INVALID = (name: string) => `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "dupename",
    "name": "${name}",
    "labels": {"app": "nginx"},
    "unknownMeta": "metaVal"
  },
  "spec": {
    "unknown1": "val1",
    "unknownDupe": "valDupe",
    "unknownDupe": "valDupe2",
    "paused": true,
    "paused": false,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {
        "containers": [{
          "name":  "nginx",
          "image": "nginx:latest",
          "unknownNested": "val1",
          "imagePullPolicy": "Always",
          "imagePullPolicy": "Never"
        }]
      }
    }
  }
}`;

const ERRORS = [
  'duplicate field "metadata.name"',
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
  'duplicate field "spec.paused"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];

const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

describe("fieldValidation on create and update", () => {
  it("Strict refuses unknown and duplicate fields in the order decoded, as the decoder's BadRequest; nothing changes", () => {
    const state = session();
    const answer = send(state, "POST", DEPLOYMENTS, INVALID("web"), { fieldValidation: "Strict" });
    expect(answer.response.status).toBe(400);
    expect(answer.json.reason).toBe("BadRequest");
    expect(answer.json.message).toBe(`Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${ERRORS.join(", ")}`);
    expect(answer.state).toBe(state);
  });

  it("Warn, and no directive at all, create the object and answer one Warning per error; Ignore says nothing", () => {
    for (const query of [{ fieldValidation: "Warn" }, {}] as Array<Record<string, string>>) {
      const answer = send(session(), "POST", DEPLOYMENTS, INVALID("web"), query);
      expect(answer.response.status).toBe(201);
      expect(answer.response.warnings).toEqual(ERRORS);
      expect(answer.json.spec).not.toHaveProperty("unknown1");
      // The last of the repeated members wins (false, which Go omits).
      expect(answer.json.spec.paused ?? false).toBe(false);
    }
    const ignored = send(session(), "POST", DEPLOYMENTS, INVALID("web"), { fieldValidation: "Ignore" });
    expect(ignored.response.status).toBe(201);
    expect(ignored.response.warnings).toBeUndefined();
  });

  it("PUT is decoded the same way", () => {
    const state = send(session(), "POST", DEPLOYMENTS, INVALID("web"), { fieldValidation: "Ignore" }).state;
    const answer = send(state, "PUT", `${DEPLOYMENTS}/web`, INVALID("web"), { fieldValidation: "Strict" });
    expect(answer.response.status).toBe(400);
    expect(answer.json.message).toContain(`strict decoding error: ${ERRORS.join(", ")}`);
  });

  it("a YAML body's unknown fields come in key order, as after sigs.k8s.io/yaml's conversion to JSON", () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  zzz: 1\ndata:\n  a: b\naaa: 2\n";
    const answer = send(session(), "POST", "/api/v1/namespaces/default/configmaps", yaml, { fieldValidation: "Strict" }, "application/yaml");
    expect(answer.json.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "aaa", unknown field "metadata.zzz"');
  });

  it("a directive the API does not know is the options' Invalid", () => {
    const answer = send(session(), "POST", DEPLOYMENTS, INVALID("web"), { fieldValidation: "strict" });
    expect(answer.response.status).toBe(422);
    expect(answer.json.message).toBe('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
  });

  it("maps (labels, data) and free-form fields take any key", () => {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { anything: "x" }, annotations: { "a/b": "y" } }, data: { whatever: "z" } });
    const answer = send(session(), "POST", "/api/v1/namespaces/default/configmaps", body, { fieldValidation: "Strict" });
    expect(answer.response.status).toBe(201);
    expect(answer.response.warnings).toBeUndefined();
  });
});

describe("fieldValidation on a strategic merge patch", () => {
  const SMP = "application/strategic-merge-patch+json";
  const base = () => send(session(), "POST", DEPLOYMENTS, INVALID("web"), { fieldValidation: "Ignore" }).state;

  it("Strict: the patch's duplicates, then the patched object's unknown fields in key order, as an Invalid patch printed as Go prints the map", () => {
    const patch = '{"spec":{"paused":true,"paused":false,"zeta":1,"alpha":"x"}}';
    const answer = send(base(), "PATCH", `${DEPLOYMENTS}/web`, patch, { fieldValidation: "Strict" }, SMP);
    expect(answer.response.status).toBe(422);
    const detail = 'strict decoding error: duplicate field "spec.paused", unknown field "spec.alpha", unknown field "spec.zeta"';
    expect(answer.json.message).toBe(` "" is invalid: patch: Invalid value: "map[spec:map[alpha:x paused:false zeta:1]]": ${detail}`);
    expect(answer.json.details).toEqual({ causes: [{ reason: "FieldValueInvalid", message: `Invalid value: "map[spec:map[alpha:x paused:false zeta:1]]": ${detail}`, field: "patch" }] });
  });

  it("without a directive (kubectl patch sends none) the patch applies and the unknown fields are warnings", () => {
    const answer = send(base(), "PATCH", `${DEPLOYMENTS}/web`, '{"spec":{"replicas":3,"zeta":1}}', {}, SMP);
    expect(answer.response.status).toBe(200);
    expect(answer.response.warnings).toEqual(['unknown field "spec.zeta"']);
    expect(answer.json.spec.replicas).toBe(3);
  });
});

// kubernetes' test/integration/apiserver/field_validation_test.go, invalidBodyYAML.
const INVALID_YAML = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: dupename
  name: ${name}
  unknownMeta: metaVal
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never`;

const YAML_REPEATS = ['line 5: key "name" already set in map', 'line 12: key "unknownDupe" already set in map', 'line 14: key "paused" already set in map', 'line 28: key "imagePullPolicy" already set in map'];
const YAML_UNKNOWN = ['unknown field "metadata.unknownMeta"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknownDupe"'];

describe("fieldValidation on a YAML body's repeated keys", () => {
  it("Strict: yaml.v2's unmarshal errors (line of each repeated key's value), then the unknown fields in key order", () => {
    const answer = send(session(), "POST", DEPLOYMENTS, INVALID_YAML("web"), { fieldValidation: "Strict" }, "application/yaml");
    expect(answer.response.status).toBe(400);
    expect(answer.json.message).toBe(`Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: yaml: unmarshal errors:\n  ${YAML_REPEATS.join("\n  ")}, ${YAML_UNKNOWN.join(", ")}`);
  });

  it("Warn and no directive: one warning per repeated key, the last value wins; Ignore creates silently; PUT alike", () => {
    for (const query of [{ fieldValidation: "Warn" }, {}] as Array<Record<string, string>>) {
      const answer = send(session(), "POST", DEPLOYMENTS, INVALID_YAML("web"), query, "application/yaml");
      expect(answer.response.status).toBe(201);
      expect(answer.response.warnings).toEqual([...YAML_REPEATS, ...YAML_UNKNOWN]);
      expect(answer.json.metadata.name).toBe("web");
      expect(answer.json.spec.template.spec.containers[0].imagePullPolicy).toBe("Never");
    }
    const ignored = send(session(), "POST", DEPLOYMENTS, INVALID_YAML("web"), { fieldValidation: "Ignore" }, "application/yaml");
    expect(ignored.response.status).toBe(201);
    expect(ignored.response.warnings).toBeUndefined();
    const put = send(ignored.state, "PUT", `${DEPLOYMENTS}/web`, INVALID_YAML("web"), { fieldValidation: "Strict" }, "application/yaml");
    expect(put.response.status).toBe(400);
    expect(put.json.message).toContain(`strict decoding error: yaml: unmarshal errors:\n  ${YAML_REPEATS[0]}`);
  });

  it("a repeated key with an empty value is placed where libyaml marks it, at the next token; YAML 1.1 keys compare resolved", () => {
    const body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n  labels:\n  # note\n  namespace: default\ndata:\n  y: a\n  true: b\n";
    const answer = send(session(), "POST", "/api/v1/namespaces/default/configmaps", body, { fieldValidation: "Warn" }, "application/yaml");
    expect(answer.response.warnings).toEqual(['line 8: key "labels" already set in map', "line 11: key true already set in map"]);
  });
});

// field_validation_test.go's testFieldValidationPatchTyped, against its validBodyJSON Deployment.
const VALID = JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "nginx" } }, spec: { selector: { matchLabels: { app: "nginx" } }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:latest", imagePullPolicy: "Always" }] } }, replicas: 2 } });
const MERGE_PATCH = `{"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
  "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}`;
const JSON_PATCH = `[
  {"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
  {"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
  {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe"},
  {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe2"},
  {"op": "add", "path": "/spec/paused", "value": true},
  {"op": "add", "path": "/spec/paused", "value": false},
  {"op": "add", "path": "/spec/template/spec/containers/0/unknownNested", "value": "val1"},
  {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Always"},
  {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Never"}
]`;
const MERGE_ERRORS = ['duplicate field "spec.unknownDupe"', 'duplicate field "spec.paused"', 'duplicate field "spec.template.spec.containers[0].imagePullPolicy"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknownDupe"'];
const JSON_PATCH_ERRORS = ['json patch unknown field "[0].foo"', 'json patch duplicate field "[1].path"', 'unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknown3"', 'unknown field "spec.unknownDupe"'];

describe("fieldValidation on merge patches and JSON patches", () => {
  const MERGE = "application/merge-patch+json";
  const JSONP = "application/json-patch+json";
  const base = () => send(session(), "POST", DEPLOYMENTS, VALID).state;

  it.each([
    [MERGE, MERGE_PATCH, MERGE_ERRORS],
    [JSONP, JSON_PATCH, JSON_PATCH_ERRORS],
  ])("%s: Strict refuses with the patch's own errors then the patched object's unknown fields; Warn and no directive warn; Ignore is silent", (type, patch, errors) => {
    const state = base();
    const refused = send(state, "PATCH", `${DEPLOYMENTS}/web`, patch, { fieldValidation: "Strict" }, type);
    expect(refused.response.status).toBe(422);
    expect(refused.json.reason).toBe("Invalid");
    expect(refused.json.message).toMatch(/^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"apps\/v1\\",/);
    expect(refused.json.message.endsWith(`: strict decoding error: ${errors.join(", ")}`)).toBe(true);
    expect(refused.state).toBe(state);
    for (const query of [{ fieldValidation: "Warn" }, {}] as Array<Record<string, string>>) {
      const warned = send(state, "PATCH", `${DEPLOYMENTS}/web`, patch, query, type);
      expect(warned.response.status).toBe(200);
      expect(warned.response.warnings).toEqual(errors);
      expect(warned.json.spec.paused ?? false).toBe(false);
      expect(warned.json.spec.template.spec.containers[0].imagePullPolicy).toBe("Never");
    }
    const ignored = send(state, "PATCH", `${DEPLOYMENTS}/web`, patch, { fieldValidation: "Ignore" }, type);
    expect(ignored.response.status).toBe(200);
    expect(ignored.response.warnings).toBeUndefined();
  });

  it("a clean patch says nothing; a body of the wrong JSON type is the strict decoder's bad request", () => {
    const clean = send(base(), "PATCH", `${DEPLOYMENTS}/web`, '{"spec":{"replicas":3}}', { fieldValidation: "Strict" }, MERGE);
    expect(clean.response.status).toBe(200);
    expect(clean.response.warnings).toBeUndefined();
    const notOps = send(base(), "PATCH", `${DEPLOYMENTS}/web`, '{"op":"add"}', {}, JSONP);
    expect([notOps.response.status, notOps.json.message]).toEqual([400, "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"]);
    const notMap = send(base(), "PATCH", `${DEPLOYMENTS}/web`, "[]", { fieldValidation: "Warn" }, MERGE);
    expect([notMap.response.status, notMap.json.message]).toEqual([400, "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"]);
  });
});

// field_validation_test.go's applyInvalidBody: JSON sent as an apply configuration.
const APPLY_INVALID = (name: string) => `{
\t\t"apiVersion": "apps/v1",
\t\t"kind": "Deployment",
\t\t"metadata": {
\t\t\t"name": "${name}",
\t\t\t"labels": {"app": "nginx"}
\t\t},
\t\t"spec": {
\t\t\t"paused": false,
\t\t\t"paused": true,
\t\t\t"selector": {
\t\t\t\t"matchLabels": {
\t\t\t\t\t"app": "nginx"
\t\t\t\t}
\t\t\t},
\t\t\t"template": {
\t\t\t\t"metadata": {
\t\t\t\t\t"labels": {
\t\t\t\t\t\t"app": "nginx"
\t\t\t\t\t}
\t\t\t\t},
\t\t\t\t"spec": {
\t\t\t\t\t"containers": [{
\t\t\t\t\t\t"name":  "nginx",
\t\t\t\t\t\t"image": "nginx:latest",
\t\t\t\t\t\t"imagePullPolicy": "Never",
\t\t\t\t\t\t"imagePullPolicy": "Always"
\t\t\t\t\t}]
\t\t\t\t}
\t\t\t}
\t\t}
\t}`;

describe("fieldValidation on server-side apply", () => {
  const APPLY = "application/apply-patch+yaml";
  const REPEATS = ['line 10: key "paused" already set in map', 'line 27: key "imagePullPolicy" already set in map'];

  it("Strict refuses a configuration with repeated keys after applying it (nothing kept); Warn warns per key; Ignore is silent", () => {
    const state = session();
    const refused = send(state, "PATCH", `${DEPLOYMENTS}/web`, APPLY_INVALID("web"), { fieldManager: "mgr", fieldValidation: "Strict" }, APPLY);
    expect([refused.response.status, refused.json.reason]).toEqual([400, "BadRequest"]);
    expect(refused.json.message).toBe(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${REPEATS.join("\n  ")}`);
    expect(refused.state).toBe(state);
    for (const query of [{ fieldManager: "mgr", fieldValidation: "Warn" }, { fieldManager: "mgr" }] as Array<Record<string, string>>) {
      const warned = send(state, "PATCH", `${DEPLOYMENTS}/web`, APPLY_INVALID("web"), query, APPLY);
      expect(warned.response.status).toBe(201);
      expect(warned.response.warnings).toEqual(REPEATS);
      expect(warned.json.spec.template.spec.containers[0].imagePullPolicy).toBe("Always");
    }
    const ignored = send(state, "PATCH", `${DEPLOYMENTS}/web`, APPLY_INVALID("web"), { fieldManager: "mgr", fieldValidation: "Ignore" }, APPLY);
    expect([ignored.response.status, ignored.response.warnings]).toEqual([201, undefined]);
  });

  it("a field the schema does not declare fails typing the configuration whatever the directive: the plain 500 kube-apiserver answers", () => {
    const config = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\nspec:\n  foo: 1\n  containers:\n  - name: c\n    image: nginx\n    bar: 2\n";
    const answer = send(session(), "PATCH", "/api/v1/namespaces/default/pods/p", config, { fieldManager: "mgr", fieldValidation: "Ignore" }, APPLY);
    expect(answer.response.status).toBe(500);
    expect(answer.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'failed to create typed patch object (default/p; /v1, Kind=Pod): errors:\n  .spec.containers[name="c"].bar: field not declared in schema\n  .spec.foo: field not declared in schema',
      code: 500,
    });
    const one = send(session(), "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replica: 2 } }), { fieldManager: "mgr" }, APPLY);
    expect(one.json.message).toBe("failed to create typed patch object (/d; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema");
  });
});
