// Where each thing sits on the map. Objects keep the slot they got when they first appeared, so
// nothing moves when others come and go; a freed slot is reused by the next newcomer.
import type { ClusterView } from "../../../worker/sim/view.ts";

export type PodView = ClusterView["pods"][number];
export type ServiceView = ClusterView["services"][number];
export type NodeView = ClusterView["nodes"][number];

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Slot memory carried from one layout to the next. */
export interface Slots {
  pods: Map<string, { node: string; slot: number }>;
  services: Map<string, number>;
  /**
   * Rows the service band keeps: room for two rows from the start, and never fewer than it once
   * needed, so the nodes below do not move up and down as services come and go.
   */
  serviceRows: number;
}

const RESERVED_SERVICE_ROWS = 2;

export const emptySlots = (): Slots => ({ pods: new Map(), services: new Map(), serviceRows: RESERVED_SERVICE_ROWS });

export interface MapLayout {
  width: number;
  height: number;
  /** A phone-sized map: the workstation sits above the cluster instead of beside it. */
  narrow: boolean;
  cluster: Box;
  workstation: Box;
  /** Where the workstation's line to the node network leaves its box (bus.x1 is straight above or below). */
  workstationPort: { x: number; y: number };
  /** The node network, drawn as a bus just above the nodes: the workstation and every node hang on it. */
  bus: { y: number; x1: number; x2: number };
  nodes: Array<{ node: NodeView; box: Box }>;
  pods: Array<{ pod: PodView; box: Box }>;
  services: Array<{ service: ServiceView; box: Box }>;
  /** Pods and services left out because they are system ones (kube-system). */
  hidden: { pods: number; services: number };
}

export const WIDTH = 760;
/** Below this width the map is laid out for a phone rather than scaled down to illegible text. */
export const NARROW_WIDTH = 560;
export const MIN_WIDTH = 320;
const CLUSTER_X = 150;
/** In a narrow map, the strip inside the cluster's left edge where the workstation's line runs down. */
const GUTTER = 10;
const PAD = 12;
const POD_W = 82;
const POD_H = 42;
const POD_GAP = 6;
const SVC_W = 180;
const SVC_H = 72;
const SVC_GAP = 12;
const NODE_HEADER = 48;

export const podKey = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

/** kube-system, and the add-ons' own kube-* namespaces (kube-flannel, ...), are the cluster's plumbing. */
export const isSystem = (o: { system: boolean; namespace: string }) => o.system || o.namespace.startsWith("kube-");
export const serviceKey = podKey;

function lowestFree(used: Set<number>): number {
  let i = 0;
  while (used.has(i)) i++;
  return i;
}

/** Gives newcomers the lowest free slot and frees the slots of objects that are gone. */
export function assignSlots(previous: Slots, view: ClusterView, showSystem: boolean, width = WIDTH): Slots {
  const pods = new Map<string, { node: string; slot: number }>();
  const usedByNode = new Map<string, Set<number>>();
  const visiblePods = view.pods.filter((p) => showSystem || !isSystem(p));
  const nodeOf = (p: PodView) => p.node ?? "";
  // Keep existing slots first, so newcomers cannot take them.
  for (const pod of visiblePods) {
    const prev = previous.pods.get(podKey(pod));
    if (prev && prev.node === nodeOf(pod)) {
      pods.set(podKey(pod), prev);
      if (!usedByNode.has(prev.node)) usedByNode.set(prev.node, new Set());
      usedByNode.get(prev.node)!.add(prev.slot);
    }
  }
  for (const pod of visiblePods) {
    if (pods.has(podKey(pod))) continue;
    const node = nodeOf(pod);
    if (!usedByNode.has(node)) usedByNode.set(node, new Set());
    const used = usedByNode.get(node)!;
    const slot = lowestFree(used);
    used.add(slot);
    pods.set(podKey(pod), { node, slot });
  }

  const services = new Map<string, number>();
  const usedSvc = new Set<number>();
  const visibleServices = view.services.filter((s) => showSystem || !isSystem(s));
  for (const svc of visibleServices) {
    const prev = previous.services.get(serviceKey(svc));
    if (prev !== undefined) {
      services.set(serviceKey(svc), prev);
      usedSvc.add(prev);
    }
  }
  for (const svc of visibleServices) {
    if (services.has(serviceKey(svc))) continue;
    const slot = lowestFree(usedSvc);
    usedSvc.add(slot);
    services.set(serviceKey(svc), slot);
  }
  let highest = -1;
  for (const slot of services.values()) highest = Math.max(highest, slot);
  const rows = Math.ceil((highest + 1) / serviceColumns(width));
  return { pods, services, serviceRows: Math.max(previous.serviceRows, rows) };
}

/** The map's own width for a container this wide: a laptop's map is scaled, a phone's is laid out. */
export function mapWidth(containerWidth: number | undefined): number {
  if (!containerWidth || containerWidth >= NARROW_WIDTH) return WIDTH;
  return Math.max(MIN_WIDTH, Math.floor(containerWidth));
}

/** Where the cluster's contents start and how wide they are, for a map of this width. */
function frame(width: number) {
  const narrow = width < NARROW_WIDTH;
  const clusterX = narrow ? 6 : CLUSTER_X;
  const clusterW = width - clusterX - (narrow ? 6 : PAD);
  const left = clusterX + PAD + (narrow ? GUTTER : 0);
  return { narrow, clusterX, clusterW, left, inner: clusterX + clusterW - PAD - left };
}

function serviceColumns(width: number): number {
  const { inner } = frame(width);
  return Math.max(1, Math.floor((inner + SVC_GAP) / (SVC_W + SVC_GAP)));
}

const WS_NARROW_H = 46;

export function layoutMap(view: ClusterView, slots: Slots, showSystem: boolean, width = WIDTH): MapLayout {
  const { narrow, clusterX, clusterW, left, inner } = frame(width);
  // A phone's map has the workstation above the cluster.
  const clusterY = narrow ? 8 + WS_NARROW_H + 18 : 8;

  // Services in a band at the top of the cluster, in their slots' order.
  const svcCols = serviceColumns(width);
  const svcW = Math.min(SVC_W, inner);
  const services = view.services
    .filter((s) => showSystem || !isSystem(s))
    .map((service) => {
      const slot = slots.services.get(serviceKey(service)) ?? 0;
      const col = slot % svcCols;
      const row = Math.floor(slot / svcCols);
      return { service, box: { x: left + col * (svcW + SVC_GAP), y: clusterY + 32 + row * (SVC_H + SVC_GAP), w: svcW, h: SVC_H } };
    });
  const nodesTop = clusterY + 32 + slots.serviceRows * (SVC_H + SVC_GAP) - SVC_GAP + 36;

  // Nodes side by side, in name order (nodes rarely change); every node as tall as the fullest.
  const nodes = [...view.nodes].sort((a, b) => a.name.localeCompare(b.name));
  const nodeGap = 10;
  const nodeW = nodes.length ? (inner - nodeGap * (nodes.length - 1)) / nodes.length : inner;
  const podCols = Math.max(1, Math.floor((nodeW - 2 * 6 + POD_GAP) / (POD_W + POD_GAP)));
  let maxSlot = -1;
  for (const { slot } of slots.pods.values()) maxSlot = Math.max(maxSlot, slot);
  const podRows = Math.max(2, Math.ceil((maxSlot + 1) / podCols));
  const nodeH = NODE_HEADER + podRows * (POD_H + POD_GAP) + 6;
  const nodeBoxes = nodes.map((node, i) => ({
    node,
    box: { x: left + i * (nodeW + nodeGap), y: nodesTop, w: nodeW, h: nodeH },
  }));
  const nodeBox = new Map(nodeBoxes.map((n) => [n.node.name, n.box]));

  const pods: MapLayout["pods"] = [];
  for (const pod of view.pods) {
    if (!showSystem && isSystem(pod)) continue;
    const place = slots.pods.get(podKey(pod));
    const box = nodeBox.get(pod.node ?? "");
    if (!place || !box) continue; // Unscheduled pods are listed apart (see unscheduled()).
    const col = place.slot % podCols;
    const row = Math.floor(place.slot / podCols);
    const used = podCols * POD_W + (podCols - 1) * POD_GAP;
    const left = box.x + (box.w - used) / 2;
    pods.push({ pod, box: { x: left + col * (POD_W + POD_GAP), y: box.y + NODE_HEADER + row * (POD_H + POD_GAP), w: POD_W, h: POD_H } });
  }

  const cluster = { x: clusterX, y: clusterY, w: clusterW, h: nodesTop + nodeH + PAD - clusterY };
  const workstation = narrow ? { x: clusterX, y: 8, w: 124, h: WS_NARROW_H } : { x: 10, y: nodesTop + 10, w: 120, h: 56 };
  // Beside the cluster the workstation hangs below the bus; above it, its line runs down the gutter.
  const workstationPort = narrow ? { x: clusterX + GUTTER / 2 + 6, y: workstation.y + workstation.h } : { x: workstation.x + workstation.w / 2, y: workstation.y };
  const lastNode = nodeBoxes[nodeBoxes.length - 1]?.box;
  const bus = { y: nodesTop - 14, x1: workstationPort.x, x2: lastNode ? lastNode.x + lastNode.w / 2 : workstation.x + workstation.w };
  return {
    bus,
    width,
    height: cluster.y + cluster.h + 8,
    narrow,
    cluster,
    workstation,
    workstationPort,
    nodes: nodeBoxes,
    pods,
    services,
    hidden: {
      pods: showSystem ? 0 : view.pods.filter(isSystem).length,
      services: showSystem ? 0 : view.services.filter(isSystem).length,
    },
  };
}

/** Pods not on any node yet (Pending before scheduling): shown in a row under the map. */
export function unscheduled(view: ClusterView, showSystem: boolean): PodView[] {
  const names = new Set(view.nodes.map((n) => n.name));
  return view.pods.filter((p) => (showSystem || !isSystem(p)) && (!p.node || !names.has(p.node)));
}

/**
 * The line under the map for pods no node has taken: the first few by name, then a count, so that
 * 300 pods waiting for room (every node is at its 110-pod limit) do not bury the route panel.
 */
export function pendingNote(pods: PodView[], shown = 5): string {
  const named = pods.slice(0, shown).map((p) => `${p.name} (${p.status})`).join(", ");
  const rest = pods.length - shown;
  return `Not scheduled yet (${pods.length}): ${named}${rest > 0 ? ` and ${rest} more` : ""}`;
}

/** A status as a colour class: the same words kubectl prints in STATUS. */
export function statusClass(pod: PodView): "ok" | "wait" | "bad" | "done" | "gone" {
  const s = pod.status;
  if (s === "Terminating") return "gone";
  if (s === "Completed" || s === "Succeeded") return "done";
  if (s === "Running" && pod.ready) return "ok";
  if (s === "Pending" || s === "ContainerCreating" || s === "PodInitializing" || s === "Running") return "wait";
  return "bad";
}
