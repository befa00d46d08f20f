import { describe, expect, it } from "vitest";
import { resolvePlaceholders } from "../../../worker/sim/lessons/solution.ts";
import { cluster, pod, service } from "./fixtures.ts";

describe("solution placeholders", () => {
  const state = cluster({
    pods: [pod("nginx", { ip: "10.244.1.5", node: "node01" }), pod("web-b", { labels: { app: "web" }, ip: "10.244.2.3" }), pod("web-a", { labels: { app: "web" }, ready: false })],
    services: [service("nginx", { type: "NodePort", clusterIP: "10.96.20.30", ports: [{ port: 8080, targetPort: 80, nodePort: 31234 }, { port: 443, targetPort: 443, nodePort: 31443 }] })],
  });

  it.each([
    ["curl http://{{nodeIP node02}}:{{nodePort nginx}}", "curl http://192.168.56.12:31234"],
    ["curl {{ clusterIP nginx }}:8080", "curl 10.96.20.30:8080"],
    ["curl -m 5 http://{{podIP nginx}}", "curl -m 5 http://10.244.1.5"],
    ["curl http://{{hostIP nginx}}:31234", "curl http://192.168.56.11:31234"],
    ["curl http://{{otherNodeIP nginx}}:31234", "curl http://192.168.56.10:31234"],
    ["kubectl delete pod {{podName app=web}}", "kubectl delete pod web-b"],
    ["echo {{nodePort default/nginx}}", "echo 31234"],
    ["echo {{nodePort default/nginx:443}}", "echo 31443"],
  ])("fills %s", (command, resolved) => {
    expect(resolvePlaceholders(command, state)).toEqual({ ok: true, command: resolved });
  });

  it.each([
    ["curl {{podIP missing}}", "cannot fill {{podIP missing}}: no such object or value in the cluster"],
    ["curl {{nodePort kubernetes}}", "cannot fill {{nodePort kubernetes}}: no such object or value in the cluster"],
    ["curl {{nodePort nginx:80}}", "cannot fill {{nodePort nginx:80}}: no such object or value in the cluster"],
    ["curl {{externalIP nginx}}", "cannot fill {{externalIP nginx}}: no such object or value in the cluster"],
    ["curl {{loadBalancerIP nginx}}", "unknown placeholder in: curl {{loadBalancerIP nginx}}"],
  ])("names what it cannot fill: %s", (command, error) => {
    expect(resolvePlaceholders(command, state)).toEqual({ ok: false, error });
  });
});
