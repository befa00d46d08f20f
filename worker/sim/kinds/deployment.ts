// Deployment (apps/v1): pkg/registry/apps/deployment/strategy.go and its defaults,
// printers.go printDeployment, describe.go DeploymentDescriber (with its ReplicaSets).
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { listRecord } from "../cluster/listing.ts";
import type { Deployment } from "../cluster/types.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { isRecord, prepareReplicatedSpec } from "./templates.ts";
import type { KindDefinition } from "./types.ts";
import { type Namespace, type Node, type Pod, type ReplicaSet } from "../cluster/types.ts";
import { type EventObject } from "../cluster/events.ts";
import { PrefixWriter, annotationLines, describeContainers, describeEvents, describeVolumes, labelLines, rfc1123z, writeMultiline } from "../kubectl/printers/describe.ts";

/** SetDefaults_Deployment: RollingUpdate with 25% surge and 25% unavailable unless set. */
function defaultStrategy(strategy: unknown): Record<string, unknown> {
  const s = isRecord(strategy) ? strategy : {};
  const type = typeof s.type === "string" ? s.type : "RollingUpdate";
  if (type !== "RollingUpdate") return { ...s, type };
  const ru = isRecord(s.rollingUpdate) ? s.rollingUpdate : {};
  return { ...s, rollingUpdate: { ...ru, maxSurge: ru.maxSurge ?? "25%", maxUnavailable: ru.maxUnavailable ?? "25%" }, type };
}

function describeDeployment(deployment: Deployment, replicaSets: ReplicaSet[], events: readonly EventObject[] = [], now = 0): string {
  const w = new PrefixWriter();
  const d = deployment;
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  writeMultiline(w, 0, "Labels", labelLines(d.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(d.metadata.annotations));
  w.write(0, `Selector:\t${formatLabelSelector(d.spec.selector)}\n`);
  const s = d.status;
  w.write(
    0,
    `Replicas:\t${d.spec.replicas} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable\n`,
  );
  const strategy = (d.spec.strategy?.type as string | undefined) ?? "RollingUpdate";
  w.write(0, `StrategyType:\t${strategy}\n`);
  w.write(0, "MinReadySeconds:\t0\n");
  if (strategy === "RollingUpdate") {
    const ru = (d.spec.strategy?.rollingUpdate ?? {}) as { maxUnavailable?: string | number; maxSurge?: string | number };
    w.write(0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? "25%"} max unavailable, ${ru.maxSurge ?? "25%"} max surge\n`);
  }
  w.write(0, "Pod Template:\n");
  writeMultiline(w, 1, "Labels", labelLines(d.spec.template.metadata.labels));
  if (d.spec.template.metadata.annotations && Object.keys(d.spec.template.metadata.annotations).length > 0) {
    writeMultiline(w, 1, "Annotations", annotationLines(d.spec.template.metadata.annotations));
  }
  describeContainers(w, "Containers", d.spec.template.spec.containers, undefined, " ");
  describeVolumes(w, d.spec.template.spec.volumes, "  ");
  w.write(1, "Node-Selectors:\t<none>\n");
  w.write(1, "Tolerations:\t<none>\n");
  const conditions = (s.conditions ?? []) as Array<{ type: string; status: string; reason?: string }>;
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  const owned = replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid));
  const revision = (rs: ReplicaSet) => Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "0");
  owned.sort((a, b) => revision(b) - revision(a));
  const [newest, ...old] = owned;
  const describeRs = (rs: ReplicaSet) => `${rs.metadata.name} (${rs.status.replicas ?? 0}/${rs.spec.replicas} replicas created)`;
  const oldActive = old.filter((rs) => rs.spec.replicas > 0 || (rs.status.replicas ?? 0) > 0);
  w.write(0, `OldReplicaSets:\t${oldActive.length ? oldActive.map(describeRs).join(", ") : "<none>"}\n`);
  w.write(0, `NewReplicaSet:\t${newest ? describeRs(newest) : "<none>"}\n`);
  describeEvents(w, events, now);
  return w.flush();
}

export const deploymentKind: KindDefinition = {
  kind: "Deployment",
  group: "apps",
  version: "v1",
  plural: "deployments",
  singular: "deployment",
  shortNames: ["deploy"],
  categories: ["all"],
  namespaced: true,
  storage: { collection: "deployments" },
  strategy: {
    validateName: isDNS1123Subdomain,
    build: (_tx, sub, meta, _ctx, old) => {
      const spec = isRecord(sub.spec) ? sub.spec : {};
      const before = old as Deployment | undefined;
      const prepared = prepareReplicatedSpec(sub, spec, meta, before);
      if (!prepared.ok) return prepared;
      const { replicas, selector, template } = prepared.spec;
      const d: Deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta,
        spec: {
          progressDeadlineSeconds: typeof spec.progressDeadlineSeconds === "number" ? spec.progressDeadlineSeconds : 600,
          replicas,
          revisionHistoryLimit: typeof spec.revisionHistoryLimit === "number" ? spec.revisionHistoryLimit : 10,
          selector,
          strategy: defaultStrategy(spec.strategy),
          template,
        },
        status: before ? before.status : {},
      };
      return { ok: true, obj: d };
    },
  },
  table: {
    columns: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    narrow: 5,
    row: (o, now) => {
      const d = o as Deployment;
      return [
        d.metadata.name,
        `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
        String(d.status.updatedReplicas ?? 0),
        String(d.status.availableReplicas ?? 0),
        age(d.metadata.creationTimestamp, now),
        ...containerCells(d.spec.template.spec.containers),
        formatLabelSelector(d.spec.selector),
      ];
    },
  },
  describe: (state, object, events) =>
    describeDeployment(object as Deployment, listRecord(state, state.replicaSets, true, object.metadata.namespace), events, state.now),
};
