// Endpoints (core/v1), derived from Services and Pods by the endpoints controller on every read.
import type { Endpoints } from "../cluster/types.ts";
import { getEndpoints, listEndpoints } from "../kubectl/derived.ts";
import { describeEndpoints } from "../kubectl/printers/describe.ts";
import { age } from "../kubectl/printers/duration.ts";
import { formatEndpoints } from "../kubectl/printers/tables.ts";
import type { KindDefinition } from "./types.ts";

export const endpointsKind: KindDefinition = {
  kind: "Endpoints",
  group: "",
  version: "v1",
  plural: "endpoints",
  singular: "endpoints",
  shortNames: ["ep"],
  categories: [],
  namespaced: true,
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
