// The environment variables the kubelet gives a container for each Service that exists when the
// container starts (pkg/kubelet/envvars FromServices): the Docker-links style variables.
import type { Service } from "./types.ts";

/**
 * Services recorded per pod. The kubelet has no such limit, but every pod keeps its variables in
 * the session state: beyond this many Services in a namespace the first ones (by name) are kept.
 */
export const MAX_SERVICE_LINKS = 100;

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

export function serviceEnvVars(service: Service, into: Record<string, string>): void {
  const ip = service.spec.clusterIP;
  if (!ip || ip === "None" || service.spec.type === "ExternalName") return;
  const name = envName(service.metadata.name);
  const ports = service.spec.ports ?? [];
  if (ports.length === 0) return;
  into[`${name}_SERVICE_HOST`] = ip;
  into[`${name}_SERVICE_PORT`] = String(ports[0].port);
  for (const p of ports) if (p.name) into[`${name}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
  const first = ports[0];
  into[`${name}_PORT`] = `${first.protocol.toLowerCase()}://${ip}:${first.port}`;
  for (const p of ports) {
    const prefix = `${name}_PORT_${p.port}_${p.protocol.toUpperCase()}`;
    into[prefix] = `${p.protocol.toLowerCase()}://${ip}:${p.port}`;
    into[`${prefix}_PROTO`] = p.protocol.toLowerCase();
    into[`${prefix}_PORT`] = String(p.port);
    into[`${prefix}_ADDR`] = ip;
  }
}

/**
 * Variables for a pod in `namespace`: every Service of the namespace when enableServiceLinks is
 * on, and always the `kubernetes` Service of `default` (the master service).
 */
export function serviceEnvFor(services: Iterable<Service>, namespace: string, enableServiceLinks: boolean, master: Service | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (enableServiceLinks) {
    const sorted = [...services]
      .filter((s) => s.metadata.namespace === namespace)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
      .slice(0, MAX_SERVICE_LINKS);
    for (const s of sorted) serviceEnvVars(s, env);
  }
  if (master && (namespace !== "default" || !enableServiceLinks)) serviceEnvVars(master, env);
  return env;
}
