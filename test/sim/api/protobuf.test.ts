import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { decodeKindMessage, readEnvelope } from "../../../worker/sim/api/protobuf.ts";
import { type KubeApiWriteRequest, serveKubeApiWrite } from "../../../worker/sim/api/writes.ts";

/** Bodies real kubectl 1.33 sent to a session (captured on the wire), by the command that sent them. */
const KUBECTL: Record<string, string> = JSON.parse(readFileSync(new URL("./kubectl-protobuf-bodies.json", import.meta.url), "utf8"));
const body = (command: string) => new Uint8Array(Buffer.from(KUBECTL[command], "base64"));

// A protobuf encoder for the tests' own bodies: fields as [number, value] pairs, a nested list a message.
type Value = string | number | boolean | Uint8Array | Fields;
type Fields = Array<[number, Value]>;
function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    out.push(Number(v & 0x7fn) | (v > 0x7fn ? 0x80 : 0));
    v >>= 7n;
  } while (v > 0n);
  return out;
}
function encode(fields: Fields): number[] {
  const out: number[] = [];
  for (const [n, value] of fields) {
    if (typeof value === "number" || typeof value === "boolean") out.push(...varint(BigInt(n << 3)), ...varint(BigInt(Number(value))));
    else {
      const bytes = typeof value === "string" ? [...Buffer.from(value)] : value instanceof Uint8Array ? [...value] : encode(value);
      out.push(...varint(BigInt((n << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes);
    }
  }
  return out;
}
function envelope(apiVersion: string, kind: string, message: Fields | number[]): Uint8Array {
  const raw = new Uint8Array(Array.isArray(message) && typeof message[0] !== "number" ? encode(message as Fields) : (message as number[]));
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...encode([[1, [[1, apiVersion], [2, kind]]], [2, raw]])]);
}

const START = Date.UTC(2026, 0, 1);
function session(commands: string[] = []): SessionState {
  let state = createSession({ seed: 7, now: START });
  for (const command of commands) state = execute(state, command, { now: state.cluster.now + 1000 }).state;
  return state;
}
function send(state: SessionState, method: string, path: string, bytes: Uint8Array, query: Record<string, string> = {}) {
  const request: KubeApiWriteRequest = { method, path, query, accept: "application/vnd.kubernetes.protobuf,application/json", canWrite: true, body: "", bytes, contentType: "application/vnd.kubernetes.protobuf" };
  const result = serveKubeApiWrite(state, request, state.cluster.now + 1000);
  return { ...result, json: JSON.parse(result.response.body) as Record<string, any> };
}

describe("protobuf request bodies", () => {
  it.each([
    ["kubectl create configmap cm1 --from-literal=a=b --from-literal=c=d", "ConfigMap", { metadata: { name: "cm1", creationTimestamp: null }, data: { a: "b", c: "d" } }],
    [
      "kubectl create deployment d1 --image=nginx --replicas=2 --port=80",
      "Deployment",
      {
        metadata: { name: "d1", creationTimestamp: null, labels: { app: "d1" } },
        spec: { replicas: 2, selector: { matchLabels: { app: "d1" } }, template: { metadata: { creationTimestamp: null, labels: { app: "d1" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }], resources: {} }] } }, strategy: {} },
      },
    ],
    [
      "kubectl create service clusterip svc1 --tcp=80:8080",
      "Service",
      { metadata: { name: "svc1", creationTimestamp: null, labels: { app: "svc1" } }, spec: { ports: [{ name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 }], selector: { app: "svc1" }, type: "ClusterIP" } },
    ],
    ["kubectl create secret generic s1 --from-literal=user=admin", "Secret", { metadata: { name: "s1", creationTimestamp: null }, data: { user: "YWRtaW4=" } }],
    ["kubectl create quota q1 --hard=pods=10,cpu=2", "ResourceQuota", { metadata: { name: "q1", creationTimestamp: null }, spec: { hard: { cpu: "2", pods: "10" } } }],
    [
      "kubectl create ingress ing1 --rule=foo.com/bar=svc1:80",
      "Ingress",
      { metadata: { name: "ing1", creationTimestamp: null }, spec: { rules: [{ host: "foo.com", http: { paths: [{ path: "/bar", backend: { service: { name: "svc1", port: { number: 80 } } }, pathType: "Exact" }] } }] } },
    ],
    ["kubectl drain node01 --ignore-daemonsets --force (a pod delete)", "DeleteOptions", {}],
  ])("decodes what %s sends into the JSON encoding/json writes for it", (command, kind, expected) => {
    const read = readEnvelope(body(command));
    expect(read.kind).toBe(kind);
    expect(decodeKindMessage(read.kind, read.raw)).toEqual(expected);
  });

  it("reads a string targetPort, a pointer's zero (replicas 0), a packed list and past field numbers the message does not have", () => {
    const deployment = decodeKindMessage("Deployment", new Uint8Array(encode([[1, [[1, "d"], [99, "ignored"]]], [2, [[1, 0], [77, 5]]]])));
    expect(deployment).toEqual({ metadata: { name: "d", creationTimestamp: null }, spec: { replicas: 0, template: { metadata: { creationTimestamp: null }, spec: {} }, strategy: {} } });
    const port = decodeKindMessage("ServicePort", new Uint8Array(encode([[3, 80], [4, [[1, 1], [3, "http"]]]])));
    expect(port).toEqual({ port: 80, targetPort: "http" });
    // PodFailurePolicyOnExitCodesRequirement.values: repeated int32, packed (wire type 2).
    expect(decodeKindMessage("PodFailurePolicyOnExitCodesRequirement", new Uint8Array(encode([[2, "In"], [3, new Uint8Array([1, 2, 0x7f])]])))).toEqual({ operator: "In", values: [1, 2, 127] });
  });

  it("creates through the same API server as a JSON body: defaults, controllers, the transcript's summary", () => {
    const created = send(session(), "POST", "/apis/apps/v1/namespaces/default/deployments", body("kubectl create deployment d1 --image=nginx --replicas=2 --port=80"), { fieldManager: "kubectl-create", fieldValidation: "Strict" });
    expect(created.response.status).toBe(201);
    expect(created.summary).toBe("POST deployments d1");
    expect(created.json.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: "Always", ports: [{ containerPort: 80, protocol: "TCP" }] });
    expect(execute(created.state, "kubectl get deploy d1 -o jsonpath={.spec.replicas}", { now: created.state.cluster.now }).output).toBe("2");
    const service = send(session(), "POST", "/api/v1/namespaces/default/services", body("kubectl create service clusterip svc1 --tcp=80:8080"));
    expect(service.response.status).toBe(201);
    expect(service.json.spec).toMatchObject({ sessionAffinity: "None", ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }] });
  });

  it("names the object a refused create asked for in the transcript's summary, as for a JSON body", () => {
    const state = session(["kubectl create configmap cm1 --from-literal=a=b"]);
    const conflict = send(state, "POST", "/api/v1/namespaces/default/configmaps", body("kubectl create configmap cm1 --from-literal=a=b --from-literal=c=d"));
    expect(conflict.response.status).toBe(409);
    expect(conflict.summary).toBe("POST configmaps cm1");
  });

  it("answers a kind that does not match the URL as a JSON body's", () => {
    const answer = send(session(), "POST", "/api/v1/namespaces/default/secrets", body("kubectl create configmap cm1 --from-literal=a=b --from-literal=c=d"));
    expect(answer.response.status).toBe(400);
    expect(answer.json.message).toBe("the kind in the data (ConfigMap) does not match the expected kind (Secret)");
  });

  it.each([
    ["an empty body", new Uint8Array(), 400, "the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)"],
    ["JSON sent as protobuf", new Uint8Array(Buffer.from('{"kind":"ConfigMap"}')), 400, 'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})'],
    ["the magic alone", new Uint8Array([0x6b, 0x38, 0x73, 0x00]), 400, "the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)"],
    ["a truncated envelope", new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x10, 0x0a]), 400, "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a100a)"],
    ["a truncated message", envelope("v1", "ConfigMap", [0x0a, 0x05, 0x0a]), 400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF'],
    ["a field with the wrong wire type", envelope("v1", "ConfigMap", [[1, [[1, 5]]]]), 400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Name'],
    ["field number 0", envelope("v1", "ConfigMap", [0x00, 0x01]), 400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: illegal tag 0 (wire type 0)'],
    ["an unregistered kind", envelope("v1", "configmap", [[1, [[1, "x"]]]]), 400, 'configmap in version "v1" cannot be handled as a ConfigMap: no kind "configmap" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
    ["a part of a kind named as one", envelope("v1", "ObjectMeta", [[1, "x"]]), 400, 'ObjectMeta in version "v1" cannot be handled as a ConfigMap: no kind "ObjectMeta" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
  ])("refuses %s as the API server does", (_name, bytes, code, message) => {
    const answer = send(session(), "POST", "/api/v1/namespaces/default/configmaps", bytes);
    expect(answer.response.status).toBe(code);
    expect(answer.json.message).toBe(message);
    expect(answer.changed).toBe(false);
  });

  it("deletes with DeleteOptions in protobuf (kubectl drain), its grace period read", () => {
    const state = session(["kubectl run web --image=nginx"]);
    const options = envelope("v1", "DeleteOptions", [[1, 0]]);
    const deleted = send(state, "DELETE", "/api/v1/namespaces/default/pods/web", options);
    expect(deleted.response.status).toBe(200);
    expect(execute(deleted.state, "kubectl get pods", { now: deleted.state.cluster.now }).output).toBe("No resources found in default namespace.\n");
  });

  it("ignores fieldValidation=Strict's unknown-field check, which protobuf does not have", () => {
    const withExtra = envelope("v1", "ConfigMap", [[1, [[1, "cm"]]], [42, "unknown"]]);
    const created = send(session(), "POST", "/api/v1/namespaces/default/configmaps", withExtra, { fieldValidation: "Strict" });
    expect(created.response.status).toBe(201);
    expect(created.response.warnings ?? []).toEqual([]);
  });
});
