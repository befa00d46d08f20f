// ReplicaSet (apps/v1): pkg/registry/apps/replicaset/strategy.go, printers.go printReplicaSet,
// describe.go ReplicaSetDescriber (with the pods it owns).
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { listRecord } from "../cluster/listing.ts";
import type { ReplicaSet } from "../cluster/types.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { isRecord, prepareReplicatedSpec } from "./templates.ts";
import type { KindDefinition } from "./types.ts";
import { type Namespace, type Node, type Pod } from "../cluster/types.ts";
import { type EventObject } from "../cluster/events.ts";
import { PrefixWriter, annotationLines, describeContainers, describeEvents, describeVolumes, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";

function describeReplicaSet(rs: ReplicaSet, pods: Pod[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(rs.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(rs.metadata.annotations));
  const owner = rs.metadata.ownerReferences?.find((o) => o.controller);
  if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  w.write(0, `Replicas:\t${rs.status.replicas ?? 0} current / ${rs.spec.replicas} desired\n`);
  const count = (phase: string) => pods.filter((p) => p.status.phase === phase).length;
  w.write(0, `Pods Status:\t${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed\n`);
  w.write(0, "Pod Template:\n");
  writeMultiline(w, 1, "Labels", labelLines(rs.spec.template.metadata.labels));
  describeContainers(w, "Containers", rs.spec.template.spec.containers, undefined, " ");
  describeVolumes(w, rs.spec.template.spec.volumes, "  ");
  w.write(1, "Node-Selectors:\t<none>\n");
  w.write(1, "Tolerations:\t<none>\n");
  describeEvents(w, events, now);
  return w.flush();
}

export const replicaSetKind: KindDefinition = {
  kind: "ReplicaSet",
  group: "apps",
  version: "v1",
  plural: "replicasets",
  singular: "replicaset",
  shortNames: ["rs"],
  categories: ["all"],
  namespaced: true,
  storage: { collection: "replicaSets" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const spec = isRecord(sub.spec) ? sub.spec : {};
      const before = old as ReplicaSet | undefined;
      const prepared = prepareReplicatedSpec(sub, spec, meta, before);
      if (!prepared.ok) return prepared;
      const { replicas, selector, template } = prepared.spec;
      const rs: ReplicaSet = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta, spec: { replicas, selector, template }, status: before ? before.status : { replicas: 0 } };
      return { ok: true, obj: rs };
    },
  },
  table: {
    columns: ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 5,
    row: (o, now) => {
      const r = o as ReplicaSet;
      return [
        r.metadata.name,
        String(r.spec.replicas),
        String(r.status.replicas ?? 0),
        String(r.status.readyReplicas ?? 0),
        age(r.metadata.creationTimestamp, now),
        ...containerCells(r.spec.template.spec.containers),
        formatLabelSelector(r.spec.selector),
      ];
    },
  },
  describe: (state, object, events) => {
    const rs = object as ReplicaSet;
    const pods = listRecord(state, state.pods, true, rs.metadata.namespace).filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid));
    return describeReplicaSet(rs, pods, events, state.now);
  },
};
