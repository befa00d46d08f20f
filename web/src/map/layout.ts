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
  cluster: Box;
  workstation: Box;
  /** The node network, drawn as a bus just above the nodes: the workstation and every node hang on it. */
  bus: { y: number; x1: number; x2: number };
  nodes: Array<{ node: NodeView; box: Box }>;
  pods: Array<{ pod: PodView; box: Box }>;
  services: Array<{ service: ServiceView; box: Box }>;
  /** Pods and services left out because they are system ones (kube-system). */
  hidden: { pods: number; services: number };
}

export const WIDTH = 760;
const CLUSTER_X = 150;
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
export function assignSlots(previous: Slots, view: ClusterView, showSystem: boolean): Slots {
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
  const rows = Math.ceil((highest + 1) / serviceColumns());
  return { pods, services, serviceRows: Math.max(previous.serviceRows, rows) };
}

function serviceColumns(): number {
  const inner = WIDTH - CLUSTER_X - PAD - 2 * PAD;
  return Math.max(1, Math.floor((inner + SVC_GAP) / (SVC_W + SVC_GAP)));
}

export function layoutMap(view: ClusterView, slots: Slots, showSystem: boolean): MapLayout {
  const clusterW = WIDTH - CLUSTER_X - PAD;
  const inner = clusterW - 2 * PAD;

  // Services in a band at the top of the cluster, in their slots' order.
  const svcCols = serviceColumns();
  const services = view.services
    .filter((s) => showSystem || !isSystem(s))
    .map((service) => {
      const slot = slots.services.get(serviceKey(service)) ?? 0;
      const col = slot % svcCols;
      const row = Math.floor(slot / svcCols);
      return { service, box: { x: CLUSTER_X + PAD + col * (SVC_W + SVC_GAP), y: 40 + row * (SVC_H + SVC_GAP), w: SVC_W, h: SVC_H } };
    });
  const nodesTop = 40 + slots.serviceRows * (SVC_H + SVC_GAP) - SVC_GAP + 36;

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
    box: { x: CLUSTER_X + PAD + i * (nodeW + nodeGap), y: nodesTop, w: nodeW, h: nodeH },
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

  const cluster = { x: CLUSTER_X, y: 8, w: clusterW, h: nodesTop + nodeH + PAD - 8 };
  const workstation = { x: 10, y: nodesTop + 10, w: 120, h: 56 };
  const lastNode = nodeBoxes[nodeBoxes.length - 1]?.box;
  const bus = { y: nodesTop - 14, x1: workstation.x + workstation.w / 2, x2: lastNode ? lastNode.x + lastNode.w / 2 : workstation.x + workstation.w };
  return {
    bus,
    width: WIDTH,
    height: cluster.y + cluster.h + 8,
    cluster,
    workstation,
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

/** A status as a colour class: the same words kubectl prints in STATUS. */
export function statusClass(pod: PodView): "ok" | "wait" | "bad" | "done" | "gone" {
  const s = pod.status;
  if (s === "Terminating") return "gone";
  if (s === "Completed" || s === "Succeeded") return "done";
  if (s === "Running" && pod.ready) return "ok";
  if (s === "Pending" || s === "ContainerCreating" || s === "PodInitializing" || s === "Running") return "wait";
  return "bad";
}
