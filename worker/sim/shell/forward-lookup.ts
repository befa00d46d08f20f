// Which running `kubectl port-forward` job listens at an address and port of the workstation: the
// one lookup the console's tools (engine.ts), the page's proxy (session/proxy.ts) and the page's
// link finder (view.ts) share, so that a link opens exactly what `curl` on the workstation reaches.

import type { ForwardedPort, PortForward } from "../kubectl/port-forward-types.ts";
import type { Job, JobTable } from "./job-types.ts";

/** Whether a forward listening on `addresses` accepts a connection to `ip` (a wildcard takes its family). */
export function forwardListensOn(forward: PortForward, ip: string): boolean {
  return forward.addresses.some((a) => a === ip || (a === "0.0.0.0" && !ip.includes(":")) || a === "::");
}

export function forwardAt(table: JobTable | undefined, ip: string, port: number): { job: Job; forward: PortForward; port: ForwardedPort } | undefined {
  for (const job of table?.jobs ?? []) {
    const forward = job.forward;
    if (!forward || job.ended || !forwardListensOn(forward, ip)) continue;
    const forwarded = forward.ports.find((p) => p.local === port);
    if (forwarded) return { job, forward, port: forwarded };
  }
  return undefined;
}

/** The workstation ports running forwards listen on over IPv4 loopback, where a browser's localhost link goes. */
export function loopbackForwards(table: JobTable | undefined): Array<{ port: number; namespace: string; pod: string; remote: number }> {
  const out: Array<{ port: number; namespace: string; pod: string; remote: number }> = [];
  for (const job of table?.jobs ?? []) {
    const forward = job.forward;
    if (!forward || job.ended || !forwardListensOn(forward, "127.0.0.1")) continue;
    for (const p of forward.ports) out.push({ port: p.local, namespace: forward.namespace, pod: forward.pod, remote: p.remote });
  }
  return out;
}
