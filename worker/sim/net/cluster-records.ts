// The cluster's records as CoreDNS's kubernetes plugin serves them: Services (headless ones with
// their ready pod IPs), `<hostname>.<service>` endpoints and `a-b-c-d.<ns>.pod.<domain>` names.

import { endpointSlicesFor } from "../cluster/endpoints.ts";
import type { ClusterState } from "../cluster/types.ts";
import type { NetIndex } from "./index.ts";
import { isIPv4 } from "./ip.ts";

export type Rcode = "NOERROR" | "NXDOMAIN" | "SERVFAIL";

export interface Answer {
  rcode: Rcode;
  ips: string[];
  /** The Service the name belongs to, for the trace. */
  serviceKey?: string;
}

/** CoreDNS's answer to an A query for a fully qualified name. */
export function clusterLookup(state: ClusterState, index: NetIndex, fqdn: string): Answer {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const domain = state.config.clusterDomain;
  if (name !== domain && !name.endsWith(`.${domain}`)) return { rcode: "NXDOMAIN", ips: [] };
  // parse.go: "return NODATA for apex queries".
  if (name === domain) return { rcode: "NOERROR", ips: [] };
  const labels = name.slice(0, Math.max(0, name.length - domain.length - 1)).split(".");
  if (labels.length === 3 && labels[2] === "svc") {
    const key = `${labels[1]}/${labels[0]}`;
    const service = state.services[key];
    if (!service || service.spec.type === "ExternalName") return { rcode: "NXDOMAIN", ips: [] };
    const clusterIP = service.spec.clusterIP;
    if (clusterIP && clusterIP !== "None") return { rcode: "NOERROR", ips: [clusterIP], serviceKey: key };
    // Headless: one A record per ready endpoint, ports or none (a Service without ports still has them).
    const ips = new Set<string>();
    for (const slice of endpointSlicesFor(state, service)) for (const e of slice.endpoints) if (e.conditions.ready) ips.add(e.addresses[0]);
    return { rcode: ips.size ? "NOERROR" : "NXDOMAIN", ips: [...ips].sort(), serviceKey: key };
  }
  if (labels.length === 4 && labels[3] === "svc") {
    // `<hostname>.<service>.<ns>.svc`: a headless Service's endpoint by its hostname (a pod whose
    // spec.subdomain names the Service, as StatefulSet pods are), or by its dashed IP.
    const key = `${labels[2]}/${labels[1]}`;
    const service = state.services[key];
    if (service && service.spec.type !== "ExternalName" && service.spec.clusterIP === "None") {
      for (const slice of endpointSlicesFor(state, service)) {
        for (const e of slice.endpoints) {
          const ip = e.addresses[0];
          if (e.conditions.ready && (e.hostname === labels[0] || ip.replace(/\./g, "-") === labels[0])) return { rcode: "NOERROR", ips: [ip], serviceKey: key };
        }
      }
    }
    return { rcode: "NXDOMAIN", ips: [] };
  }
  if (labels.length === 3 && labels[2] === "pod") {
    const ip = labels[0].replace(/-/g, ".");
    if (isIPv4(ip) && state.namespaces[labels[1]] !== undefined) return { rcode: "NOERROR", ips: [ip] };
    return { rcode: "NXDOMAIN", ips: [] };
  }
  // Namespaces and `svc.<domain>` exist as empty non-terminals: NOERROR without an address.
  if (labels.length === 2 && (labels[1] === "svc" || labels[1] === "pod") && state.namespaces[labels[0]] !== undefined) {
    return { rcode: "NOERROR", ips: [] };
  }
  if (labels.length === 1 && (labels[0] === "svc" || labels[0] === "pod")) return { rcode: "NOERROR", ips: [] };
  return { rcode: "NXDOMAIN", ips: [] };
}

