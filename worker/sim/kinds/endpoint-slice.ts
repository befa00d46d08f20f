// EndpointSlice (discovery.k8s.io/v1), derived like Endpoints by the endpoint slice controller.
import type { EndpointSlice } from "../cluster/types.ts";
import { getEndpointSlice, listEndpointSlices } from "../kubectl/derived.ts";
import { age } from "../kubectl/printers/duration.ts";
import { listWithMore } from "../kubectl/printers/tables.ts";
import type { KindDefinition } from "./types.ts";

/** describe.go's EndpointSliceDescriber, for the slices the controller writes. */
function describeEndpointSlice(s: EndpointSlice): string {
  const lines = [
    `Name:         ${s.metadata.name}`,
    `Namespace:    ${s.metadata.namespace}`,
    `Labels:       ${Object.keys(s.metadata.labels ?? {}).sort().map((key) => `${key}=${s.metadata.labels![key]}`).join("\n              ") || "<none>"}`,
    `Annotations:  <none>`,
    `AddressType:  ${s.addressType}`,
    `Ports:`,
    `  Name     Port  Protocol`,
    `  ----     ----  --------`,
    ...s.ports.map((p) => `  ${(p.name || "<unset>").padEnd(7)}  ${String(p.port).padEnd(4)}  ${p.protocol}`),
    `Endpoints:`,
    ...s.endpoints.flatMap((e) => [
      `  - Addresses:  ${e.addresses.join(",")}`,
      `    Conditions:`,
      `      Ready:    ${e.conditions.ready}`,
      `    Hostname:   <unset>`,
      `    TargetRef:  Pod/${e.targetRef?.name ?? ""}`,
      `    NodeName:   ${e.nodeName ?? "<unset>"}`,
      `    Zone:       <unset>`,
    ]),
    `Events:         <none>`,
  ];
  return lines.join("\n") + "\n";
}

export const endpointSliceKind: KindDefinition = {
  kind: "EndpointSlice",
  group: "discovery.k8s.io",
  version: "v1",
  plural: "endpointslices",
  singular: "endpointslice",
  shortNames: [],
  categories: [],
  namespaced: true,
  storage: { derived: { get: getEndpointSlice, list: listEndpointSlices } },
  table: {
    columns: ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
    narrow: 5,
    row: (o, now) => {
      const e = o as EndpointSlice;
      return [
        e.metadata.name,
        e.addressType,
        listWithMore(e.ports.map((p) => (p.port !== undefined ? String(p.port) : p.name || "*"))),
        listWithMore(e.endpoints.flatMap((ep) => ep.addresses)),
        age(e.metadata.creationTimestamp, now),
      ];
    },
  },
  describe: (_state, object) => describeEndpointSlice(object as EndpointSlice),
};
