// What the official nginx image listens on, from the *.conf files of /etc/nginx/conf.d that its
// nginx.conf includes: each server's `listen` directives (port; `ssl`, `http2` parameters, or the
// 1.25+ `http2 on;` directive) and its `ssl_certificate`. The files are the container's: a mounted
// ConfigMap (the connect-applications-service tutorial's nginxconfigmap), files written in the
// container, else the image's default.conf (port 80).

import type { ClusterState, Pod } from "../../cluster/types.ts";
import { apiDataMounts, isUnder } from "../../files/volumes.ts";
import { containerMachine, storedChildren } from "../../files/store.ts";
import { NGINX_DEFAULT_CONF } from "../../files/machines.ts";

const CONF_D = "/etc/nginx/conf.d";

export interface NginxListen {
  port: number;
  ssl: boolean;
  http2: boolean;
  /** The server's ssl_certificate path. */
  certificate?: string;
}

/** The conf.d files nginx includes (`*.conf`), by name. */
function confFiles(state: ClusterState, pod: Pod, containerName: string): Map<string, string> {
  const container = pod.spec.containers.find((c) => c.name === containerName);
  const mounts = container ? apiDataMounts(state, pod, container) : [];
  const mount = [...mounts].reverse().find((m) => isUnder(m.path, CONF_D));
  const out = new Map<string, string>();
  if (mount && mount.path === CONF_D) {
    for (const [name, file] of mount.files) if (!name.includes("/")) out.set(name, file.data);
  } else {
    out.set("default.conf", NGINX_DEFAULT_CONF);
    for (const [name, entry] of storedChildren(state, containerMachine(pod, containerName), CONF_D)) {
      if (entry.type === "file") out.set(name, entry.data);
      else out.delete(name);
    }
  }
  for (const name of [...out.keys()]) if (!name.endsWith(".conf")) out.delete(name);
  return out;
}

/** The `server { ... }` blocks of a configuration text, comments removed. */
function serverBlocks(text: string): string[] {
  const clean = text.replace(/#[^\n]*/g, "");
  const out: string[] = [];
  const re = /\bserver\s*\{/g;
  for (let m = re.exec(clean); m; m = re.exec(clean)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < clean.length && depth > 0; i++) {
      if (clean[i] === "{") depth++;
      else if (clean[i] === "}") depth--;
    }
    out.push(clean.slice(start, i - 1));
    re.lastIndex = i;
  }
  return out;
}

const cache = new WeakMap<Pod, { files: string; listens: NginxListen[] }>();

/** Every IPv4 `listen` of the container's nginx servers (IPv6 ones duplicate a port here). */
export function nginxListens(state: ClusterState, pod: Pod, containerName: string): NginxListen[] {
  const files = confFiles(state, pod, containerName);
  const signature = [...files].map(([k, v]) => `${k}\0${v}`).join("\0\0");
  const hit = cache.get(pod);
  if (hit && hit.files === signature) return hit.listens;
  const listens: NginxListen[] = [];
  for (const text of files.values()) {
    for (const block of serverBlocks(text)) {
      const certificate = /(?:^|[;\s])ssl_certificate\s+([^;\s]+)\s*;/.exec(block)?.[1];
      const http2On = /(?:^|[;\s])http2\s+on\s*;/.test(block);
      for (const m of block.matchAll(/(?:^|[;\s{}])listen\s+([^;]+);/g)) {
        const [address, ...params] = m[1].trim().split(/\s+/);
        if (address.startsWith("[")) continue;
        const port = Number(/(?:^|:)(\d+)$/.exec(address)?.[1] ?? NaN);
        if (!Number.isInteger(port)) continue;
        const ssl = params.includes("ssl");
        listens.push({ port, ssl, http2: params.includes("http2") || http2On, ...(ssl && certificate ? { certificate } : {}) });
      }
    }
  }
  cache.set(pod, { files: signature, listens });
  return listens;
}

export const sslListens = (state: ClusterState, pod: Pod, containerName: string): NginxListen[] => nginxListens(state, pod, containerName).filter((l) => l.ssl);
