// The CEL subset the admission policies use: cel-spec's semantics for selection, macros, and the
// logical operators' error absorption, checked on the Gateway API's safe-upgrades expressions.
import { describe, expect, it } from "vitest";
import { CelError, evaluateCel } from "../../../worker/sim/cluster/cel.ts";

const crd = (annotations: Record<string, string> | undefined, group = "gateway.networking.k8s.io") => ({ metadata: { name: "x", ...(annotations ? { annotations } : {}) }, spec: { group } });
// The second validation of safe-upgrades.gateway.networking.k8s.io (v1.5.1), as the YAML gives it to the API server.
const NOT_OLDER = "object.spec.group != 'gateway.networking.k8s.io' ||\n        (has(object.metadata.annotations) && object.metadata.annotations.exists(k, k == 'gateway.networking.k8s.io/bundle-version') &&\n        !matches(object.metadata.annotations['gateway.networking.k8s.io/bundle-version'], 'v1.[0-4].\\\\d+') &&\n        !matches(object.metadata.annotations['gateway.networking.k8s.io/bundle-version'], 'v0'))";

describe("evaluateCel", () => {
  it("evaluates the safe-upgrades bundle-version rule", () => {
    const bundle = (v: string) => crd({ "gateway.networking.k8s.io/bundle-version": v });
    expect(evaluateCel(NOT_OLDER, { object: bundle("v1.5.1"), oldObject: null })).toBe(true);
    expect(evaluateCel(NOT_OLDER, { object: bundle("v1.4.1"), oldObject: null })).toBe(false);
    expect(evaluateCel(NOT_OLDER, { object: bundle("v0.8.0"), oldObject: null })).toBe(false);
    expect(evaluateCel(NOT_OLDER, { object: crd(undefined), oldObject: null })).toBe(false);
    expect(evaluateCel(NOT_OLDER, { object: crd(undefined, "gateway.nginx.org"), oldObject: null })).toBe(true);
  });

  it("absorbs an error in || and && when the other side decides, and raises it otherwise", () => {
    const env = { object: { metadata: {} }, oldObject: null };
    expect(evaluateCel("object.metadata.labels['a'] == 'b' || true", env)).toBe(true);
    expect(evaluateCel("false && object.metadata.labels['a'] == 'b'", env)).toBe(false);
    expect(() => evaluateCel("object.metadata.labels['a'] == 'b' || false", env)).toThrow(CelError);
    expect(() => evaluateCel("object.metadata.labels['a'] == 'b'", env)).toThrow("no such key: labels");
    expect(evaluateCel("has(object.metadata.labels)", env)).toBe(false);
    expect(evaluateCel("oldObject == null", env)).toBe(true);
  });

  it("has the macros, size, in, the conditional and string functions", () => {
    const env = { object: { spec: { replicas: 3, containers: [{ name: "a", image: "nginx:1.27" }, { name: "b", image: "busybox" }] } } };
    expect(evaluateCel("object.spec.replicas <= 5", env)).toBe(true);
    expect(evaluateCel("object.spec.containers.all(c, c.image.contains(':'))", env)).toBe(false);
    expect(evaluateCel("object.spec.containers.exists_one(c, c.name == 'a')", env)).toBe(true);
    expect(evaluateCel("size(object.spec.containers) == 2 && 'b' in ['a', 'b']", env)).toBe(true);
    expect(evaluateCel("object.spec.replicas > 2 ? 'many' : 'few'", env)).toBe("many");
    expect(evaluateCel("object.spec.containers[0].image.startsWith('nginx') && !object.spec.containers[1].image.endsWith(':latest')", env)).toBe(true);
    expect(() => evaluateCel("object.spec.replicas <", env)).toThrow(CelError);
  });
});
