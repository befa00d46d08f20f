// Endpoints (core/v1), derived from Services and Pods by the endpoints controller on every read.
import type { Endpoints } from "../cluster/types.ts";
import { getEndpoints, listEndpoints } from "../kubectl/derived.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatEndpoints } from "../kubectl/printers/tables.ts";
import type { KindDefinition } from "./types.ts";
import { type Namespace } from "../cluster/types.ts";
import { PrefixWriter, annotationLines, labelLines, writeMultiline } from "../kubectl/printers/describe.ts";

function describeEndpoints(endpoints: Endpoints): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${endpoints.metadata.name}\n`);
  w.write(0, `Namespace:\t${endpoints.metadata.namespace}\n`);
  writeMultiline(w, 0, "Labels", labelLines(endpoints.metadata.labels));
  writeMultiline(w, 0, "Annotations", annotationLines(endpoints.metadata.annotations));
  w.write(0, "Subsets:\n");
  for (const subset of endpoints.subsets ?? []) {
    const ready = (subset.addresses ?? []).map((a) => a.ip);
    const notReady = (subset.notReadyAddresses ?? []).map((a) => a.ip);
    w.write(1, `Addresses:\t${ready.length ? ready.join(",") : "<none>"}\n`);
    w.write(1, `NotReadyAddresses:\t${notReady.length ? notReady.join(",") : "<none>"}\n`);
    const ports = subset.ports ?? [];
    if (ports.length === 0) w.write(1, "Ports:\t<none>\n");
    else {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (const p of ports) w.write(2, `${p.name || "<unset>"}\t${p.port}\t${p.protocol}\n`);
    }
    w.write(0, "\n");
  }
  w.write(0, "Events:\t<none>\n");
  return w.flush();
}

export const endpointsKind: KindDefinition = {
  kind: "Endpoints",
  group: "",
  version: "v1",
  plural: "endpoints",
  singular: "endpoints",
  shortNames: ["ep"],
  categories: [],
  namespaced: true,
  deprecationWarning: "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
  storage: { derived: { get: getEndpoints, list: listEndpoints } },
  table: {
    columns: ["NAME", "ENDPOINTS", "AGE"],
    narrow: 3,
    row: (o, now) => {
      const e = o as Endpoints;
      return [e.metadata.name, formatEndpoints(e), age(e.metadata.creationTimestamp, now)];
    },
  },
  describe: (_state, object) => describeEndpoints(object as Endpoints),
};
