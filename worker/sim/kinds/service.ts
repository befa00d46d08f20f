// Service (core/v1): pkg/registry/core/service/strategy.go with its IP and NodePort allocators,
// printers.go printService, describe.go ServiceDescriber.
import { internalError, invalid } from "../cluster/api-status.ts";
import { isDNS1035Label } from "../cluster/field-errors.ts";
import { prepareServiceSpec } from "../cluster/service-spec.ts";
import { usedClusterIPs, usedNodePorts } from "../cluster/store.ts";
import type { Service } from "../cluster/types.ts";
import { slicesOfService } from "../kubectl/derived.ts";
import { describeService } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatLabels } from "../kubectl/printers/labels.ts";
import { externalIP, portString } from "../kubectl/printers/tables.ts";
import type { KindDefinition } from "./types.ts";

/** What every new Service starts with (shared and frozen: objects are never edited in place). */
const NEW_SERVICE_STATUS: Service["status"] = Object.freeze({ loadBalancer: Object.freeze({}) });

export const serviceKind: KindDefinition = {
  kind: "Service",
  group: "",
  version: "v1",
  plural: "services",
  singular: "service",
  shortNames: ["svc"],
  categories: ["all"],
  namespaced: true,
  storage: { collection: "services" },
  strategy: {
    validateName: isDNS1035Label,
    build: (tx, sub, meta, ctx, old) => {
      const result = prepareServiceSpec(sub.spec, {
        config: tx.state.config,
        usedClusterIPs: usedClusterIPs(tx),
        usedNodePorts: usedNodePorts(tx),
        random: ctx.random,
        old: old as Service | undefined,
      });
      if (!result.ok) return { ok: false, status: result.internal ? internalError(result.internal) : invalid(sub.kind, "", meta.name, result.causes) };
      const status = old ? (old as Service).status : NEW_SERVICE_STATUS;
      const svc: Service = { apiVersion: "v1", kind: "Service", metadata: meta, spec: result.spec, status };
      return { ok: true, obj: svc };
    },
  },
  table: {
    columns: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
    narrow: 6,
    row: (o, now) => {
      const s = o as Service;
      return [
        s.metadata.name,
        s.spec.type,
        s.spec.clusterIPs?.[0] ?? s.spec.clusterIP ?? "<none>",
        externalIP(s),
        portString(s),
        age(s.metadata.creationTimestamp, now),
        formatLabels(s.spec.selector),
      ];
    },
  },
  fieldSelectors: {
    labels: ["metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"],
    values: (object) => {
      const service = object as Service;
      return { "spec.clusterIP": service.spec.clusterIP ?? "", "spec.type": service.spec.type };
    },
  },
  describe: (state, object, events) => describeService(object as Service, slicesOfService(state, object as Service), events, state.now),
};
