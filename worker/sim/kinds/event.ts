// Event (core/v1), kept compact in ClusterState.events and expanded for readers (events.ts).
import { type EventObject, listEvents } from "../cluster/events.ts";
import { age } from "../kubectl/printers/duration.ts";
import type { KindDefinition } from "./types.ts";
import { type Namespace } from "../cluster/types.ts";
import { PrefixWriter } from "../kubectl/printers/describe.ts";

/**
 * An Event has no describer of its own: kubectl's generic describer prints its fields in key
 * order, keys split into words (`firstTimestamp` -> `First Timestamp`), maps indented below.
 */
function describeEvent(e: EventObject): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${e.metadata.name}\n`);
  w.write(0, `Namespace:\t${e.metadata.namespace}\n`);
  w.write(0, "Labels:\t<none>\n");
  w.write(0, "Annotations:\t<none>\n");
  w.write(0, "API Version:\tv1\n");
  w.write(0, `Count:\t${e.count}\n`);
  w.write(0, "Event Time:\t<nil>\n");
  w.write(0, `First Timestamp:\t${e.firstTimestamp}\n`);
  w.write(0, "Involved Object:\n");
  w.write(1, `API Version:\t${e.involvedObject.apiVersion}\n`);
  if (e.involvedObject.fieldPath) w.write(1, `Field Path:\t${e.involvedObject.fieldPath}\n`);
  w.write(1, `Kind:\t${e.involvedObject.kind}\n`);
  w.write(1, `Name:\t${e.involvedObject.name}\n`);
  if (e.involvedObject.namespace) w.write(1, `Namespace:\t${e.involvedObject.namespace}\n`);
  w.write(1, `UID:\t${e.involvedObject.uid}\n`);
  w.write(0, "Kind:\tEvent\n");
  w.write(0, `Last Timestamp:\t${e.lastTimestamp}\n`);
  w.write(0, `Message:\t${e.message}\n`);
  w.write(0, "Metadata:\n");
  w.write(1, `Creation Timestamp:\t${e.metadata.creationTimestamp}\n`);
  w.write(1, `Resource Version:\t${e.metadata.resourceVersion}\n`);
  w.write(1, `UID:\t${e.metadata.uid}\n`);
  w.write(0, `Reason:\t${e.reason}\n`);
  w.write(0, `Reporting Component:\t${e.reportingComponent}\n`);
  w.write(0, `Reporting Instance:\t${e.reportingInstance}\n`);
  w.write(0, "Source:\n");
  w.write(1, `Component:\t${e.source.component}\n`);
  if (e.source.host) w.write(1, `Host:\t${e.source.host}\n`);
  w.write(0, `Type:\t${e.type}\n`);
  w.write(0, "Events:\t<none>\n");
  return w.flush();
}

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
