// The first visit's orientation: a short strip above the playground, not a wall. Where the console
// is (a workstation outside the cluster), what the map and route panel show, the lecture's path as
// commands that run when clicked, and where the lessons are. Dismissed once, remembered.
import type { ClusterView } from "../api/types.ts";

export function Orientation(props: { view?: ClusterView; mapShown: boolean; onRun(command: string): void; onDismiss(): void }) {
  const service = props.view?.services.find((s) => !s.system && s.type === "NodePort" && s.ports.some((p) => p.nodePort));
  const node = props.view?.nodes.find((n) => !n.roles.includes("control-plane")) ?? props.view?.nodes[0];
  const nodePort = service?.ports.find((p) => p.nodePort)?.nodePort;
  const path: Array<{ command: string; label?: string }> = [
    { command: "kubectl run nginx --image=nginx" },
    { command: "kubectl expose pod nginx --port 80 --type NodePort" },
    { command: "kubectl get svc" },
    node && nodePort ? { command: `curl http://${node.ip}:${nodePort}` } : { command: "", label: `curl http://${node?.ip ?? "<node IP>"}:<NodePort>` },
  ];
  return (
    <section class="orientation" aria-labelledby="orientation-title">
      <h2 id="orientation-title">Where you are</h2>
      <p>
        The console is a <strong>workstation outside the cluster</strong>: <code>kubectl</code> talks to the API server, and{" "}
        <code>curl</code> from here reaches the nodes' addresses (a NodePort), not Service or pod IPs.
        {props.mapShown && " The map shows the nodes, pods and services as they change; after a curl, the route panel under it shows the way the request took, hop by hop."}
      </p>
      <p>
        The lecture's path (click to run):{" "}
        {path.map((step, i) => (
          <span key={i}>
            {i > 0 && <span aria-hidden="true"> → </span>}
            {step.command ? (
              <button type="button" class="hint-command" onClick={() => props.onRun(step.command)}>
                {step.command}
              </button>
            ) : (
              <code>{step.label}</code>
            )}
          </span>
        ))}
      </p>
      <p>
        Guided exercises: <strong>Start a lesson</strong> at the top. <code>help</code> lists what this console has.{" "}
        <button type="button" class="orientation-dismiss" onClick={props.onDismiss}>
          Got it
        </button>
      </p>
    </section>
  );
}
