// The cluster as an SVG: workstation outside, nodes with their pods, services joined to their
// endpoints, and the route of the last request drawn and animated over it.
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ClusterView, RouteTrace } from "../api/types.ts";
import { assignSlots, emptySlots, layoutMap, mapWidth, pendingNote, podKey, serviceKey, statusClass, unscheduled, type Slots } from "./layout.ts";
import { pathOf, pointForHop, routePoints } from "./route.ts";
import { reducedMotion } from "../lib/motion.ts";
import { ContextSwitcher } from "./ContextSwitcher.tsx";

export interface ClusterMapProps {
  view: ClusterView;
  trace?: RouteTrace;
  /** Identifies the trace shown, so the animation restarts for each new request. */
  traceId?: string;
  step: number;
  showSystem: boolean;
  onToggleSystem(): void;
  /** A session with several clusters: switch the console's context (types `kubectl config use-context NAME`); absent when read-only. */
  onUseContext?(name: string): void;
}

const MAX_ENDPOINT_LINES = 12;


const fit = (text: string, max: number) => (text.length > max ? text.slice(0, max - 1) + "…" : text);
/** Pod names differ at the end (web-65c457864b-nrfkq): keep both ends. */
const fitName = (text: string, max: number) => (text.length > max ? text.slice(0, max - 6) + "…" + text.slice(-5) : text);

export function ClusterMap(props: ClusterMapProps) {
  const { view, trace, showSystem } = props;
  const slots = useRef<Slots>(emptySlots());
  const [hover, setHover] = useState<string | null>(null);
  // The focused (or tapped) pod's or service's details, in text under the map: a tooltip is for the mouse only.
  const [detail, setDetail] = useState<string | null>(null);
  // The map always fits the width it has: scaled on a laptop, laid out anew for a phone.
  const figure = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(() => mapWidth(undefined));
  useLayoutEffect(() => {
    const el = figure.current;
    if (!el) return;
    const measure = () => setWidth(mapWidth(el.clientWidth - 24));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const layout = useMemo(() => {
    slots.current = assignSlots(slots.current, view, showSystem, width);
    return layoutMap(view, slots.current, showSystem, width);
  }, [view, showSystem, width]);
  const podBox = new Map(layout.pods.map((p) => [podKey(p.pod), p.box]));
  const points = trace ? routePoints(trace, layout) : [];
  const route = pathOf(points);
  const current = trace ? pointForHop(points, props.step) : undefined;
  const stopped = trace && trace.verdict !== "answered";
  const endpointsShown = (layout.services.reduce((n, s) => n + s.service.endpoints.length, 0));
  const nodePorts = view.services.flatMap((s) => s.ports.filter((p) => p.nodePort).map((p) => p.nodePort!));
  const pending = unscheduled(view, showSystem);
  const activeRefs = new Set(
    trace?.hops.slice(0, props.step + 1).flatMap((h) => (h.ref ? [`${h.ref.kind}:${h.ref.namespace ?? "default"}/${h.ref.name}`] : [])) ?? [],
  );
  const isActive = (kind: string, ns: string | undefined, name: string) => activeRefs.has(`${kind}:${ns ?? "default"}/${name}`);

  return (
    <figure class={"map" + (layout.narrow ? " narrow" : "")} aria-label="Cluster map" ref={figure}>
      <div class="map-tools">
        {view.contexts && <ContextSwitcher contexts={view.contexts} onUseContext={props.onUseContext} />}
        <span class="map-summary">
          {count(view.nodes.length, "node")} · {count(layout.pods.length, "pod")} · {count(layout.services.length, "service")}
        </span>
        <label class="toggle">
          <input type="checkbox" checked={showSystem} onChange={props.onToggleSystem} /> system pods
          {layout.hidden.pods + layout.hidden.services > 0 && ` (${layout.hidden.pods} hidden)`}
        </label>
      </div>
      {/* A tall cluster scrolls in here: a Tab stop lets the keyboard scroll it too (axe: scrollable-region-focusable). */}
      <div class="map-scroll" tabIndex={0}>
        <svg
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width="100%"
          // A group, not an image: its pods and services are focusable and named for assistive technology.
          role="group"
          aria-label={`Cluster with ${count(view.nodes.length, "node")}, ${count(layout.pods.length, "pod")} and ${count(layout.services.length, "service")}`}
          data-endpoints={endpointsShown}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
              <path d="M0 0L10 5L0 10z" class="arrow-head" />
            </marker>
          </defs>
          <rect class="cluster" x={layout.cluster.x} y={layout.cluster.y} width={layout.cluster.w} height={layout.cluster.h} rx="10" />
          <text class="caption" x={layout.cluster.x + 12} y={layout.cluster.y + 20}>
            cluster
          </text>
          {layout.services.length === 0 && (
            <text class="empty-note" x={layout.cluster.x + 12} y={layout.cluster.y + 60}>
              No services yet — kubectl expose creates one.
            </text>
          )}

          {/* The node network: the workstation reaches node IPs, nothing else. */}
          <g class="network">
            <line x1={layout.bus.x1} y1={layout.bus.y} x2={layout.bus.x2} y2={layout.bus.y} />
            <line x1={layout.bus.x1} y1={layout.bus.y} x2={layout.bus.x1} y2={layout.workstationPort.y} />
            {layout.nodes.map(({ node, box }) => (
              <line key={node.name} x1={box.x + box.w / 2} y1={layout.bus.y} x2={box.x + box.w / 2} y2={box.y} />
            ))}
            {/* On a phone the left is busy with the workstation's line and routes: the caption goes right. */}
            <text
              class="caption"
              x={layout.narrow ? layout.cluster.x + layout.cluster.w - 8 : layout.workstation.x}
              y={layout.bus.y - 6}
              text-anchor={layout.narrow ? "end" : undefined}
            >
              node network
            </text>
          </g>
          <g class={"workstation" + (trace?.from.kind === "workstation" ? " active" : "")} data-name={view.workstation.name}>
            <rect x={layout.workstation.x} y={layout.workstation.y} width={layout.workstation.w} height={layout.workstation.h} rx="8" />
            <text x={layout.workstation.x + 10} y={layout.workstation.y + 22} class="title">
              {fit(view.workstation.name, 14)}
            </text>
            <text x={layout.workstation.x + 10} y={layout.workstation.y + 40} class="sub">
              {view.workstation.ip}
            </text>
            {view.shell.kind === "workstation" && (
              <text
                x={layout.narrow ? layout.workstation.x + layout.workstation.w + 8 : layout.workstation.x + 10}
                y={layout.narrow ? layout.workstation.y + 28 : layout.workstation.y + layout.workstation.h + 16}
                class="you"
              >
                you are here
              </text>
            )}
          </g>

          {layout.nodes.map(({ node, box }) => (
            <g key={node.name} class={"node" + (node.ready ? "" : " not-ready") + (isActive("Node", undefined, node.name) ? " active" : "")} data-name={node.name} data-ip={node.ip}>
              <title>{`${node.name} ${node.ip}\nroles: ${node.roles.join(",") || "<none>"}\npod CIDR ${node.podCIDR}${node.unschedulable ? "\ncordoned: no new pods are placed here" : ""}${node.taints?.length ? `\ntaints: ${node.taints.join(", ")}` : ""}`}</title>
              <rect x={box.x} y={box.y} width={box.w} height={box.h} rx="8" />
            </g>
          ))}

          {layout.services.map(({ service, box }) => {
            const key = serviceKey(service);
            const x1 = box.x + box.w / 2;
            const y1 = box.y + box.h;
            const curve = (x2: number, y2: number) => `M${x1} ${y1} C${x1} ${(y1 + y2) / 2} ${x2} ${(y1 + y2) / 2} ${x2} ${y2}`;
            const cls = "endpoint-line" + (hover === key ? " hover" : "");
            // Past a dozen endpoints one line per pod is a blur: one line per node, with a count.
            if (service.endpoints.length > MAX_ENDPOINT_LINES) {
              const perNode = new Map<string, number>();
              for (const ep of service.endpoints) if (ep.node) perNode.set(ep.node, (perNode.get(ep.node) ?? 0) + 1);
              return [...perNode].map(([name, count]) => {
                const node = layout.nodes.find((n) => n.node.name === name);
                if (!node) return null;
                const x2 = node.box.x + node.box.w / 2 + 14;
                return (
                  <g key={key + name}>
                    <path class={cls + " grouped"} d={curve(x2, node.box.y)} />
                    <text class="endpoint-count" x={x2 + 4} y={node.box.y - 4}>
                      ×{count}
                    </text>
                  </g>
                );
              });
            }
            return service.endpoints.map((ep) => {
              const target = podBox.get(podKey({ namespace: service.namespace, name: ep.pod }));
              if (!target) return null;
              return <path key={key + ep.ip + ep.port} class={cls} d={curve(target.x + target.w / 2, target.y)} />;
            });
          })}

          {/* Node names and addresses above the endpoint lines, with a halo, so that lines pass behind them. */}
          {layout.nodes.map(({ node, box }) => (
            <g key={"label-" + node.name} class="node-label" aria-hidden="true">
              <text x={box.x + 8} y={box.y + 18} class="title">
                {fit(node.name, Math.floor(box.w / 8))}
                {view.shell.kind === "node" && view.shell.name === node.name ? " (you)" : ""}
                {nodeMark(node) && <tspan class="node-mark">{` ${nodeMark(node)}`}</tspan>}
              </text>
              <text x={box.x + 8} y={box.y + 34} class="sub">
                {node.ip}
                {nodePortsText(nodePorts, Math.floor(box.w / 6.6) - node.ip.length)}
              </text>
            </g>
          ))}

          {layout.services.map(({ service, box }) => {
            const key = serviceKey(service);
            const port = service.ports[0];
            const selectorless = Object.keys(service.selector).length === 0;
            const none = service.endpoints.length === 0 && !selectorless;
            const count = service.endpoints.length;
            return (
              <g
                key={key}
                class={"service" + (none ? " no-endpoints" : "") + (isActive("Service", service.namespace, service.name) ? " active" : "")}
                data-name={service.name}
                data-type={service.type}
                data-endpoints={count}
                onMouseEnter={() => setHover(key)}
                onMouseLeave={() => setHover(null)}
                tabIndex={0}
                role="img"
                aria-label={serviceText(service).replaceAll("\n", ", ")}
                onFocus={() => {
                  setHover(key);
                  setDetail(serviceText(service));
                }}
                onBlur={() => setHover(null)}
                onClick={() => setDetail(serviceText(service))}
              >
                <title>{serviceText(service)}</title>
                <rect x={box.x} y={box.y} width={box.w} height={box.h} rx="6" />
                <text x={box.x + 8} y={box.y + 17} class="title">
                  {fit(service.name, 14)}
                  <tspan class="kind"> {service.type}</tspan>
                </text>
                <text x={box.x + 8} y={box.y + 33} class="sub">
                  {fit(`${service.clusterIP}${port ? ":" + port.port : ""}${port && port.targetPort !== port.port ? " → " + port.targetPort : ""}`, 26)}
                </text>
                <text x={box.x + 8} y={box.y + 48} class="sub">
                  {port?.nodePort ? `nodePort ${port.nodePort}` : service.type === "ClusterIP" ? "inside the cluster only" : ""}
                </text>
                <text x={box.x + 8} y={box.y + 63} class={none ? "warn" : "sub"}>
                  {none ? "no endpoints" : selectorless && count === 0 ? "no selector" : `${count} endpoint${count === 1 ? "" : "s"}`}
                </text>
              </g>
            );
          })}

          {layout.pods.map(({ pod, box }) => (
            <g
              key={podKey(pod)}
              class={`pod ${statusClass(pod)}` + (isActive("Pod", pod.namespace, pod.name) ? " active" : "")}
              data-name={pod.name}
              data-status={pod.status}
              data-ip={pod.ip}
              tabIndex={0}
              role="img"
              aria-label={podText(pod).replaceAll("\n", ", ")}
              onFocus={() => setDetail(podText(pod))}
              onClick={() => setDetail(podText(pod))}
            >
              <title>{podText(pod)}</title>
              <rect x={box.x} y={box.y} width={box.w} height={box.h} rx="6" />
              <circle class="dot" cx={box.x + 9} cy={box.y + 13} r="4" />
              <text x={box.x + 17} y={box.y + 17} class="title">
                {fitName(pod.name, 10)}
              </text>
              <text x={box.x + 7} y={box.y + 33} class="sub">
                {pod.ip ?? fit(pod.status, 12)}
              </text>
            </g>
          ))}

          {trace && points.length > 1 && (
            <g class={"route verdict-" + trace.verdict} key={props.traceId} data-verdict={trace.verdict} data-hops={trace.hops.length}>
              <path class="route-path" d={route} pathLength={1} marker-end={stopped ? undefined : "url(#arrow)"} />
              {!reducedMotion() && (
                <circle class="packet" r="6">
                  <animateMotion {...({ dur: `${0.5 * points.length}s`, path: route, fill: "freeze" } as Record<string, string>)} />
                </circle>
              )}
            </g>
          )}
          {trace && current && (
            <circle class="step-marker" cx={current.x} cy={current.y} r="13" data-hop={props.step} />
          )}
          {stopped && points.length > 0 && (
            <g class="stop" transform={`translate(${points[points.length - 1].x} ${points[points.length - 1].y})`}>
              <circle r="11" />
              <path d="M-5 -5L5 5M5 -5L-5 5" />
            </g>
          )}
        </svg>
      </div>
      {pending.length > 0 && (
        <p class="map-note">{pendingNote(pending)}</p>
      )}
      {detail && <p class="map-detail">{detail}</p>}
    </figure>
  );
}

type PodView = ClusterView["pods"][number];
type ServiceView = ClusterView["services"][number];

/** What a pod is, line by line: its tooltip, its name for a screen reader (lines joined) and the text under the map. */
function podText(pod: PodView): string {
  return `pod ${pod.name}, ${pod.status}${pod.ready ? " (ready)" : ""}\n${pod.ip ?? "no IP yet"} on ${pod.node ?? "no node"}${
    pod.namespace !== "default" ? `\nnamespace ${pod.namespace}` : ""
  }\nimage ${pod.image}${pod.listening.length ? "\nlistens on " + pod.listening.join(", ") : ""}\nlabels ${fmtLabels(pod.labels) || "<none>"}`;
}

/** What a service is, as kubectl get svc would say its ports (80:30080/TCP), and where it sends traffic. */
function serviceText(service: ServiceView): string {
  const ports = service.ports.map((p) => `${p.port}${p.nodePort ? ":" + p.nodePort : ""}/${p.protocol} to ${p.targetPort}`).join(", ");
  return `service ${service.name}, ${service.type}, ClusterIP ${service.clusterIP}, port${service.ports.length === 1 ? "" : "s"} ${ports || "<none>"}${
    service.namespace !== "default" ? `\nnamespace ${service.namespace}` : ""
  }\nselector ${fmtLabels(service.selector) || "<none>"}\nendpoints ${service.endpoints.map((e) => `${e.ip}:${e.port}`).join(", ") || "<none>"}`;
}

/** The node's open NodePorts after its IP, as many as fit; none rather than a lone ellipsis. */
function nodePortsText(ports: number[], room: number): string {
  const text = ports.length ? ` :${ports.join(" :")}` : "";
  if (text.length <= room) return text;
  return room >= 8 ? fit(text, room) : "";
}

function fmtLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** A word on a node that takes pods differently from the others: cordoned, or tainted by the learner. */
function nodeMark(node: ClusterView["nodes"][number]): string {
  if (node.unschedulable) return "cordoned";
  // The control plane's own taint is how kubeadm sets it up; only other taints are news.
  const own = (node.taints ?? []).filter((t) => !t.startsWith("node-role.kubernetes.io/control-plane"));
  return own.length > 0 ? "tainted" : "";
}

/** "1 service", "3 services". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
