// Event (core/v1), kept compact in ClusterState.events and expanded for readers (events.ts).
import { type EventObject, listEvents } from "../cluster/events.ts";
import { describeEvent } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import type { KindDefinition } from "./types.ts";

export const eventKind: KindDefinition = {
  kind: "Event",
  group: "",
  version: "v1",
  plural: "events",
  singular: "event",
  shortNames: ["ev"],
  categories: [],
  namespaced: true,
  storage: { derived: { get: (state, namespace, name) => listEvents(state, namespace).find((e) => e.metadata.name === name), list: listEvents } },
  // printers.go printEvent: the wide table puts SUBOBJECT and SOURCE before MESSAGE.
  table: {
    columns: ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"],
    narrow: 4,
    narrowColumns: [0, 1, 2, 3, 6],
    row: (o, now) => {
      const e = o as EventObject;
      const source = [e.source.component, ...(e.source.host ? [e.source.host] : [])].join(", ");
      return [
        age(e.lastTimestamp, now),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        e.involvedObject.fieldPath ?? "",
        source,
        e.message.trim(),
        age(e.firstTimestamp, now),
        String(e.count),
        e.metadata.name,
      ];
    },
  },
  fieldSelectors: {
    labels: [
      "involvedObject.kind",
      "involvedObject.namespace",
      "involvedObject.name",
      "involvedObject.uid",
      "involvedObject.apiVersion",
      "involvedObject.resourceVersion",
      "involvedObject.fieldPath",
      "reason",
      "reportingComponent",
      "source",
      "type",
      "metadata.namespace",
      "metadata.name",
    ],
    values: (object) => {
      const event = object as EventObject;
      const involved = event.involvedObject as EventObject["involvedObject"] & { resourceVersion?: string };
      return {
        "involvedObject.kind": involved.kind,
        "involvedObject.namespace": involved.namespace ?? "",
        "involvedObject.name": involved.name,
        "involvedObject.uid": involved.uid,
        "involvedObject.apiVersion": involved.apiVersion,
        "involvedObject.resourceVersion": involved.resourceVersion ?? "",
        "involvedObject.fieldPath": involved.fieldPath ?? "",
        reason: event.reason,
        reportingComponent: event.reportingComponent,
        source: event.source.component || event.reportingComponent,
        type: event.type,
      };
    },
  },
  describe: (_state, object) => describeEvent(object as EventObject),
};
