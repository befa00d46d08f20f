// The suggestion under the prompt in a newcomer's first commands: the lecture's path (run ->
// expose -> get svc -> curl node:NodePort), read off the cluster and what was typed, so that it
// follows what the learner did (a pod of their own name, the NodePort the cluster chose) rather
// than a fixed list. Ends once a request reached a NodePort from the workstation.
import type { ClusterView, TranscriptEntry } from "../api/types.ts";

/** Commands after which the console stops suggesting: a learner past them finds their own way. */
export const EARLY_COMMANDS = 8;

export interface NextStep {
  /** What the step does, in a few words. */
  why: string;
  command: string;
}

export function nextStep(view: ClusterView | undefined, entries: TranscriptEntry[]): NextStep | null {
  if (!view) return null;
  const typed = entries.filter((e) => !e.setup);
  if (typed.length >= EARLY_COMMANDS) return null;
  // A request that reached a node's address from the workstation: the path is walked.
  if (typed.some((e) => e.traces.some((t) => t.from.kind === "workstation" && t.verdict === "answered"))) return null;
  if (view.shell.kind !== "workstation") return { why: "come back to the workstation", command: "exit" };
  const pods = view.pods.filter((p) => !p.system);
  if (pods.length === 0) return { why: "start a pod", command: "kubectl run nginx --image=nginx" };
  const nodePort = view.services.find((s) => !s.system && s.type === "NodePort" && s.ports.some((p) => p.nodePort));
  if (!nodePort) {
    const pod = pods[0];
    if (!pod.ready) return { why: "see it start", command: "kubectl get pods -o wide" };
    return { why: "give it a NodePort Service", command: `kubectl expose pod ${pod.name} --port 80 --type NodePort` };
  }
  const port = nodePort.ports.find((p) => p.nodePort)!.nodePort!;
  if (!typed.some((e) => /^\s*kubectl\s+get\s+(svc|services?)\b/.test(e.command))) return { why: "find its NodePort", command: "kubectl get svc" };
  const node = view.nodes.find((n) => !n.roles.includes("control-plane")) ?? view.nodes[0];
  return { why: "reach it from the workstation", command: `curl http://${node.ip}:${port}` };
}
