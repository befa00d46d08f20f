import { describe, expect, it } from "vitest";
import { parseLesson, validateLesson } from "../../../worker/sim/lessons/schema.ts";

const step = (check: unknown, extra: Record<string, unknown> = {}) => ({
  id: "s1",
  title: "A step",
  text: "Do it.",
  check,
  ...extra,
});
const lesson = (overrides: Record<string, unknown> = {}) => ({
  id: "my-lesson",
  title: "My lesson",
  summary: "What it teaches.",
  steps: [step({ object: { kind: "Pod", name: "nginx" } })],
  solution: ["kubectl run nginx --image=nginx"],
  ...overrides,
});
const withCheck = (check: unknown) => lesson({ steps: [step({ object: { kind: "Pod" } }), step({ object: { kind: "Pod" } }, { id: "s2" }), step(check, { id: "s3" })] });

describe("lesson schema", () => {
  it("accepts a well-formed lesson with every check kind", () => {
    const result = validateLesson(
      lesson({
        setup: ["kubectl run web --image=nginx"],
        steps: [
          step(
            {
              allOf: [
                { object: { kind: "Service", name: "nginx", fields: { "spec.type": "NodePort", "spec.selector": { run: "nginx" }, "spec.ports[0].targetPort": 80 } } },
                { endpoints: { service: "nginx", min: 1 } },
                { request: { from: "workstation", to: "nodePort", verdict: "answered", status: 200 } },
                { anyOf: [{ changed: { kind: "Pod", name: "db", field: "status.podIP" } }, { not: { object: { kind: "Pod", selector: { app: "x" } } } }] },
              ],
            },
            { hints: ["Try kubectl expose."] },
          ),
        ],
      }),
    );
    expect(result).toMatchObject({ ok: true });
  });

  it.each([
    ["a missing id", lesson({ id: undefined }), "id: missing field"],
    ["an id that is not a slug", lesson({ id: "My Lesson" }), "id: must be a slug"],
    ["no steps", lesson({ steps: [] }), "steps: a lesson needs at least one step"],
    ["no solution", lesson({ solution: [] }), "solution: a lesson needs a reference solution"],
    ["an unknown top-level field", lesson({ author: "me" }), "author: unknown field"],
    ["a misspelt step field", lesson({ steps: [step({ object: { kind: "Pod" } }, { hint: ["x"] })] }), "steps[0].hint: unknown field"],
    ["an empty step text", lesson({ steps: [step({ object: { kind: "Pod" } }, { text: "  " })] }), "steps[0].text: must not be empty"],
    ["an unknown check kind", withCheck({ objects: { kind: "Pod" } }), "steps[2].check.objects: unknown field"],
    ["two check kinds at once", withCheck({ object: { kind: "Pod" }, endpoints: { service: "x" } }), "steps[2].check: a check has exactly one kind"],
    ["an unknown object kind", withCheck({ object: { kind: "Ingres" } }), 'steps[2].check.object.kind: Invalid type: Expected "Pod" | "Service" | "Deployment" | "ReplicaSet" | "Node" | "Namespace" | "NetworkPolicy" | "Ingress" | "StatefulSet" | "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "Gateway" | "HTTPRoute" but received "Ingres"'],
    ["a bad service type", withCheck({ object: { kind: "Service", fields: { "spec.type": "Nodeport" } } }), 'steps[2].check.object.fields["spec.type"]: Invalid type: Expected "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" but received "Nodeport"'],
    ["a bad verdict", withCheck({ request: { to: "nodePort", verdict: "ok" } }), 'steps[2].check.request.verdict: Invalid type: Expected "answered" | "refused" | "timed-out" | "not-resolved" | "empty-reply" | "tls-failed" but received "ok"'],
    ["a bad target kind", withCheck({ request: { to: { kind: "ingress" } } }), 'steps[2].check.request.to.kind: Invalid type: Expected "nodePort" | "clusterIP" | "loadBalancer" | "podIP" | "name" | "service" | "address" but received "ingress"'],
    ["a bad from", withCheck({ request: { from: "laptop", to: "nodePort" } }), 'steps[2].check.request.from.kind: Invalid type: Expected "workstation" | "node" | "pod" but received "laptop"'],
    ["an out-of-range port", withCheck({ request: { to: { kind: "clusterIP", port: 70000 } } }), "steps[2].check.request.to.port: Invalid value: Expected <=65535 but received 70000"],
    ["a nested bad check", withCheck({ allOf: [{ object: { kind: "Pod" } }, { not: { endpoints: {} } }] }), "steps[2].check.allOf[1].not.endpoints.service: missing field"],
    ["an empty allOf", withCheck({ allOf: [] }), "steps[2].check.allOf: must list at least one check"],
    ["a name and a selector", withCheck({ object: { kind: "Pod", name: "a", selector: { run: "a" } } }), "steps[2].check.object: give a name or a selector, not both"],
    ["a field path that cannot be read", withCheck({ object: { kind: "Pod", fields: { "spec..x": 1 } } }), 'steps[2].check.object.fields["spec..x"]: not a field path'],
    ["an unknown matcher operator", withCheck({ object: { kind: "Pod", fields: { "spec.x": { $gt: 1 } } } }), 'steps[2].check.object.fields["spec.x"].$gt: unknown operator'],
    ["duplicate step ids", lesson({ steps: [step({ object: { kind: "Pod" } }), step({ object: { kind: "Pod" } })] }), 'steps[1].id: the step id "s1" is used twice'],
  ])("rejects %s, naming the path", (_name, input, message) => {
    const result = validateLesson(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.some((e) => e.startsWith(message))).toBe(true);
  });

  it("reads YAML and JSON, and reports text that is neither", () => {
    const yaml = `id: a\ntitle: A\nsummary: S\nsteps:\n  - id: one\n    title: One\n    text: Hi\n    check: {object: {kind: Pod}}\nsolution: [kubectl get pods]\n`;
    expect(parseLesson(yaml).ok).toBe(true);
    expect(parseLesson(JSON.stringify(lesson())).ok).toBe(true);
    const bad = parseLesson("id: [unclosed");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^the lesson file is not valid YAML or JSON/);
  });

  it.each(["", "# only a comment\n", "   \n"])("says an empty file (%j) is empty", (source) => {
    const result = parseLesson(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.stringMatching(/^the lesson file is empty/)]);
  });

  it("refuses a file that is too large before parsing it", () => {
    const result = parseLesson("#".repeat(300 * 1024));
    expect(result.ok).toBe(false);
  });

  it("accepts shorthands for from and to", () => {
    const result = validateLesson(withCheck({ request: { from: "pod", to: "clusterIP" } }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.lesson.steps[2].check).toEqual({ request: { from: { kind: "pod" }, to: { kind: "clusterIP" } } });
  });
});
