// Endpoints and EndpointSlices are derived from Services and Pods by the cluster's endpoints
// controller (worker/sim/cluster/endpoints.ts); kubectl reads them like stored objects.

import { endpointSlicesFor, endpointsFor } from "../cluster/endpoints.ts";
import { listRecord } from "../cluster/listing.ts";
import type { ClusterState, Endpoints, EndpointSlice, Service } from "../cluster/types.ts";

export function listEndpoints(state: ClusterState, namespace: string | undefined): Endpoints[] {
  return listRecord(state, state.services, true, namespace)
    .map((service) => endpointsFor(state, service))
    .filter((e): e is Endpoints => e !== undefined);
}

export function getEndpoints(state: ClusterState, namespace: string, name: string): Endpoints | undefined {
  const service = Object.hasOwn(state.services, `${namespace}/${name}`) ? state.services[`${namespace}/${name}`] : undefined;
  return service ? endpointsFor(state, service) : undefined;
}

export function listEndpointSlices(state: ClusterState, namespace: string | undefined): EndpointSlice[] {
  const slices = listRecord(state, state.services, true, namespace).flatMap((service) => endpointSlicesFor(state, service));
  return slices.sort((a, b) =>
    a.metadata.namespace === b.metadata.namespace
      ? a.metadata.name.localeCompare(b.metadata.name)
      : (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? ""),
  );
}

export function getEndpointSlice(state: ClusterState, namespace: string, name: string): EndpointSlice | undefined {
  return listEndpointSlices(state, namespace).find((s) => s.metadata.name === name);
}

export function slicesOfService(state: ClusterState, service: Service): EndpointSlice[] {
  return endpointSlicesFor(state, service);
}
