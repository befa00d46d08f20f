// Property tests: any kubectl command line or manifest gets kubectl's answer, never a crash, and a
// command that fails without reporting a change leaves the cluster as time alone would.

import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { createSession, execute, tick, type SessionState } from "../../../worker/sim/engine.ts";

const start = Date.UTC(2026, 0, 1);
const base = (() => {
  let s = createSession({ seed: 7, now: start });
  for (const c of ["kubectl run nginx --image=nginx", "kubectl create deployment web --image=httpd --replicas=2", "kubectl expose pod nginx --port=80 --type=NodePort"]) {
    s = execute(s, c, { now: start + 5000 }).state;
  }
  return s;
})();

const changeWords = /\b(created|deleted|labeled|unlabeled|scaled|patched|configured|exposed|restarted|condition met)\b/;

function fingerprint(state: SessionState): string {
  const c = state.cluster;
  const pick = (r: Record<string, { metadata: { resourceVersion: string; deletionTimestamp?: string } }>) =>
    Object.keys(r)
      .sort()
      .map((k) => `${k}@${r[k].metadata.resourceVersion}${r[k].metadata.deletionTimestamp ? "!" : ""}`)
      .join(",");
  return [pick(c.pods), pick(c.services), pick(c.deployments), pick(c.namespaces)].join("|");
}

function checkCommand(state: SessionState, line: string, now: number): void {
  const result = execute(state, line, { now });
  expect(result.output).not.toContain("internal error");
  if (result.exitCode !== 0 && !changeWords.test(result.output)) {
    // A line the shell rejects never reaches the cluster; otherwise only time has passed.
    expect([fingerprint(state), fingerprint(tick(state, now))]).toContain(fingerprint(result.state));
  }
  expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
}

const word = fc.oneof(
  fc.constantFrom(
    "get", "describe", "delete", "run", "expose", "create", "apply", "label", "scale", "patch", "rollout", "wait", "logs", "exec",
    "pods", "po", "svc", "services", "deploy", "rs", "nodes", "ns", "ep", "endpointslices", "all", "pod/nginx", "svc/nginx", "deployment/web",
    "nginx", "web", "node01", "deployment", "service", "nodeport", "clusterip", "namespace", "restart", "status", "x", "-", "--",
    "-n", "kube-system", "-A", "-o", "wide", "yaml", "json", "name", "jsonpath={.items[*].metadata.name}", "-l", "app=web", "run=nginx",
    "--show-labels", "--image=nginx", "--image=busybox", "--port=80", "--port", "8080", "--target-port=80", "--type=NodePort", "--type=Bad",
    "--replicas=3", "--replicas=-1", "--tcp=80:8080", "--node-port=30080", "--overwrite", "a=b", "a-", "--all", "--now", "--force",
    "--grace-period=0", "-p", '{"spec":{"type":"NodePort"}}', "--type=json", "--for=condition=Ready", "--timeout=3s", "--dry-run=client",
    "-it", "sh", "-c", "hostname", "--bogus", "-z", "--selector", "--name=other", "--labels=app=x", "--expose", "--command", "sleep", "3600",
  ),
  fc.string({ maxLength: 8 }),
);

describe("kubectl under random input", () => {
  it("never crashes on random command lines and changes nothing when it fails", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 0, maxLength: 7 }), (words) => {
        checkCommand(base, ["kubectl", ...words].join(" "), start + 9000);
      }),
      { numRuns: 400 },
    );
  });

  it("never crashes on random manifests and changes nothing when it fails", () => {
    const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constant(null));
    const port = fc.record(
      { port: scalar, targetPort: fc.oneof(scalar, fc.constant("http")), nodePort: fc.oneof(scalar, fc.integer({ min: 29990, max: 32800 })), protocol: fc.constantFrom("TCP", "UDP", "XYZ"), name: fc.constantFrom("http", "", "Bad Name") },
      { requiredKeys: [] },
    );
    const manifest = fc.record(
      {
        apiVersion: fc.constantFrom("v1", "apps/v1", "v2", ""),
        kind: fc.constantFrom("Pod", "Service", "Deployment", "Namespace", "Widget"),
        metadata: fc.record({ name: fc.constantFrom("a", "nginx", "Bad_Name", "", "web"), namespace: fc.constantFrom("default", "nowhere"), labels: fc.dictionary(fc.constantFrom("app", "run", "x/y"), fc.constantFrom("a", "web", "")) }, { requiredKeys: [] }),
        spec: fc.record(
          {
            type: fc.constantFrom("ClusterIP", "NodePort", "Bad"),
            ports: fc.array(port, { maxLength: 3 }),
            selector: fc.oneof(fc.dictionary(fc.constantFrom("app", "run"), fc.constantFrom("web", "nginx")), fc.constant({ matchLabels: { app: "web" } })),
            replicas: scalar,
            containers: fc.array(fc.record({ name: fc.constantFrom("c", "C"), image: fc.constantFrom("nginx", "nosuch", ""), ports: fc.array(fc.record({ containerPort: scalar }), { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }),
            template: fc.constant({ metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), fc.constantFrom("apply", "create"), (docs, verb) => {
        const body = docs.map((d) => stringify(d)).join("---\n");
        checkCommand(base, `kubectl ${verb} -f - <<EOF\n${body}EOF`, start + 9000);
      }),
      { numRuns: 300 },
    );
  });

  it("answers a manifest over 64 KB with a clear error", () => {
    const big = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n  annotations:\n    x: "${"a".repeat(70_000)}"\n`;
    const result = execute(base, `kubectl apply -f - <<EOF\n${big}EOF`, { now: start + 9000 });
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^-bash: command line too long|^error: the manifest is too large/);
  });
});
