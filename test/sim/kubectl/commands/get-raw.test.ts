import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../../worker/sim/engine.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

function run(lines: string[]) {
  let state = createSession({ seed: 3, now: NOW });
  let at = NOW;
  return lines.map((line) => {
    at += 4000;
    const result = execute(state, line, { now: at });
    state = result.state;
    return result;
  });
}

describe("kubectl get --raw", () => {
  it("prints the API server's body as it came, with no newline added", () => {
    const [version, service, list] = run([
      "kubectl get --raw /version",
      "kubectl get --raw /api/v1/namespaces/default/services/kubernetes",
      "kubectl get --raw '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns'",
    ]);
    expect(version.exitCode).toBe(0);
    expect(JSON.parse(version.output)).toMatchObject({ major: "1", gitVersion: expect.stringMatching(/^v1\./) });
    expect(JSON.parse(service.output)).toMatchObject({ kind: "Service", metadata: { name: "kubernetes", namespace: "default" } });
    const pods = JSON.parse(list.output) as { kind: string; items: Array<{ metadata: { labels: Record<string, string> } }> };
    expect(pods.kind).toBe("PodList");
    expect(pods.items.length).toBeGreaterThan(0);
    expect(pods.items.every((p) => p.metadata.labels["k8s-app"] === "kube-dns")).toBe(true);
  });

  it.each([
    ["kubectl get --raw /api/v1/namespaces/default/pods/nope", 'Error from server (NotFound): pods "nope" not found\n'],
    ["kubectl get --raw /nothing/here", "Error from server (NotFound): the server could not find the requested resource\n"],
    ["kubectl get --raw version", 'error: --raw must be a valid URL path: parse "version": invalid URI for request\n'],
    ["kubectl get pods --raw /api", "error: arguments may not be passed when --raw is specified\n"],
    ["kubectl get --raw /api -o json", "error: --raw and --output are mutually exclusive\n"],
    ["kubectl get --raw /api -w", "error: --raw may not be specified with other flags that filter the server request or alter the output\n"],
    ["kubectl get --raw /api -l app=web", "error: --raw may not be specified with other flags that filter the server request or alter the output\n"],
  ])("%s: kubectl's error, exit 1", (line, expected) => {
    const [result] = run([line]);
    expect(result.output).toBe(expected);
    expect(result.exitCode).toBe(1);
  });
});
