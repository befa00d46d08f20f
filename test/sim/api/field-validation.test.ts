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
