// NGINX Gateway Fabric's own kinds (gateway.nginx.org, its deploy/crds.yaml at v2.6.7) that its
// deploy.yaml creates: NginxGateway (the control plane's dynamic configuration) and NginxProxy (the
// data plane's settings a GatewayClass or Gateway points at). Served once their CRDs are installed;
// both CRDs' only printer column is Age.
import { age } from "../kubectl/printers/duration.ts";
import type { AnyObject } from "../kubectl/printers/tables.ts";
import { customResourceKind } from "./custom-resource.ts";
import type { KindDefinition } from "./types.ts";

export const NGF_GROUP = "gateway.nginx.org";

const ageTable = { columns: ["NAME", "AGE"], narrow: 2, row: (o: AnyObject, now: number) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };

export const nginxGatewayKind: KindDefinition = customResourceKind({
  kind: "NginxGateway",
  group: NGF_GROUP,
  version: "v1alpha1",
  plural: "nginxgateways",
  singular: "nginxgateway",
  shortNames: [],
  categories: ["nginx-gateway-fabric"],
  namespaced: true,
  table: ageTable,
});

export const nginxProxyKind: KindDefinition = customResourceKind({
  kind: "NginxProxy",
  group: NGF_GROUP,
  version: "v1alpha2",
  plural: "nginxproxies",
  singular: "nginxproxy",
  shortNames: [],
  categories: ["nginx-gateway-fabric"],
  namespaced: true,
  table: ageTable,
});
