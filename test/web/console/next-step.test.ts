// The lecture's next step as the console suggests it: read off the cluster and what was typed.
import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../../../web/src/api/types.ts";
import { EARLY_COMMANDS, nextStep } from "../../../web/src/console/next-step.ts";
import { pod, service, view } from "../fixtures.ts";

const typed = (command: string, extra: Partial<TranscriptEntry> = {}): TranscriptEntry => ({ seq: 1, command, output: "", exitCode: 0, prompt: "$ ", traces: [], ...extra });

describe("the next step", () => {
  it("walks run -> expose -> get svc -> curl node:NodePort, with the learner's own names and the cluster's port", () => {
    expect(nextStep(view(), [])?.command).toBe("kubectl run nginx --image=nginx");
    expect(nextStep(view([pod("web", { ready: false, status: "ContainerCreating" })]), [typed("kubectl run web --image=nginx")])?.command).toBe("kubectl get pods -o wide");
    expect(nextStep(view([pod("web")]), [typed("kubectl run web --image=nginx")])?.command).toBe("kubectl expose pod web --port 80 --type NodePort");
    const exposed = view([pod("web")], [service("web", { ports: [{ port: 80, targetPort: 80, nodePort: 31234, protocol: "TCP" }] })]);
    expect(nextStep(exposed, [typed("kubectl expose pod web --port 80 --type NodePort")])?.command).toBe("kubectl get svc");
    expect(nextStep(exposed, [typed("kubectl get svc")])?.command).toBe("curl http://192.168.56.11:31234");
  });

  it("ends after an answered curl from the workstation, after the early commands, and a lesson's setup does not count", () => {
    const exposed = view([pod("web")], [service("web")]);
    const answered = typed("curl http://192.168.56.11:30080", {
      traces: [{ request: "curl", from: { kind: "workstation", name: "workstation", ip: "192.168.56.1" }, to: { host: "192.168.56.11", port: 30080 }, hops: [], verdict: "answered", reason: "" }],
    });
    expect(nextStep(exposed, [typed("kubectl get svc"), answered])).toBeNull();
    expect(nextStep(view(), Array.from({ length: EARLY_COMMANDS }, () => typed("kubectl get pods")))).toBeNull();
    expect(nextStep(view(), Array.from({ length: EARLY_COMMANDS }, () => typed("kubectl get pods", { setup: true })))?.command).toBe("kubectl run nginx --image=nginx");
  });

  it("brings the console back to the workstation first", () => {
    expect(nextStep({ ...view(), shell: { kind: "node", name: "node01" } }, [typed("ssh node01")])?.command).toBe("exit");
  });
});
