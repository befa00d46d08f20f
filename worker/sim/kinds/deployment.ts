// Deployment (apps/v1): pkg/registry/apps/deployment/strategy.go and its defaults,
// printers.go printDeployment, describe.go DeploymentDescriber (with its ReplicaSets).
import { isDNS1123Subdomain } from "../cluster/field-errors.ts";
import { listRecord } from "../cluster/listing.ts";
import type { Deployment } from "../cluster/types.ts";
import { describeDeployment } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabelSelector } from "../kubectl/printers/labels.ts";
import { containerCells } from "../kubectl/printers/tables.ts";
import { isRecord, prepareReplicatedSpec } from "./templates.ts";
import type { KindDefinition } from "./types.ts";

/** SetDefaults_Deployment: RollingUpdate with 25% surge and 25% unavailable unless set. */
function defaultStrategy(strategy: unknown): Record<string, unknown> {
  const s = isRecord(strategy) ? strategy : {};
  const type = typeof s.type === "string" ? s.type : "RollingUpdate";
  if (type !== "RollingUpdate") return { ...s, type };
  const ru = isRecord(s.rollingUpdate) ? s.rollingUpdate : {};
  return { ...s, rollingUpdate: { ...ru, maxSurge: ru.maxSurge ?? "25%", maxUnavailable: ru.maxUnavailable ?? "25%" }, type };
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
