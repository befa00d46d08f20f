// The machine a shell frame runs on, with the files its system or image provides: the workstation
// and the nodes (Ubuntu 24.04, the learner's home directory), and each container (its image's
// well-known files and the ones the kubelet writes: resolv.conf, hosts, hostname).

import { findImage } from "../cluster/images.ts";
import type { ClusterState } from "../cluster/types.ts";
import { netIndex, type NetIndex } from "../net/index.ts";
import { placeOf, type Place } from "../net/places.ts";
import { NGINX_50X, NGINX_WELCOME } from "../net/apps/nginx.ts";
import { readFile } from "../shell/files.ts";
import type { ShellFrame } from "../shell/types.ts";
import type { BaseNode, Machine } from "./file-system.ts";
import { containerMachine, nodeMachine, WORKSTATION_MACHINE } from "./store.ts";
import { apiDataMounts, isUnder, writableBinds, type VolumeBind, type VolumeMountView } from "./volumes.ts";

/** The nginx package's /etc/nginx/conf.d/default.conf as the image ships it (the entrypoint adds the IPv6 listen). */
export const NGINX_DEFAULT_CONF = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \\.php$ {
    #    proxy_pass   http://127.0.0.1;
    #}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \\.php$ {
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\\.ht {
    #    deny  all;
    #}
}

`;

/** Top-level directories of an Ubuntu or Debian root file system. */
const DEBIAN_ROOT = ["bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"];
/** ... and of busybox's and alpine's. */
const BUSYBOX_ROOT = ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"];

/** The machine the frame's shell runs on; undefined when its node or pod is gone. */
export function machineOf(state: ClusterState, frame: ShellFrame, lab?: () => readonly NetIndex[]): Machine | undefined {
  const place = placeOf(frame, state, netIndex(state));
  if (!place) return undefined;
  if (frame.kind === "pod") {
    const pod = state.pods[`${frame.namespace}/${frame.pod}`];
    const container = pod?.spec.containers.find((c) => c.name === frame.container) ?? pod?.spec.containers[0];
    if (!pod || !container) return undefined;
    return containerMachineOf(
      state,
      place,
      pod.metadata.uid ? containerMachine(pod, container.name) : "",
      container.image,
      startedAt(state, frame.namespace, frame.pod, container.name),
      apiDataMounts(state, pod, container),
      writableBinds(state, pod, container, nodeMachine),
    );
  }
  const user = frame.user;
  const home = user === "root" ? "/root" : `/home/${user}`;
  const base = new Map<string, BaseNode>();
  addDirs(base, DEBIAN_ROOT);
  base.set("/tmp", { type: "dir", mode: 0o1777 });
  base.set("/root", { type: "dir", mode: 0o700 });
  dir(base, home, user === "root" ? 0o700 : 0o750, user);
  addPlaceFiles(state, place, base, lab);
  base.set("/etc/os-release", { type: "file", mode: 0o644, data: () => readFile(state, place, "/etc/os-release") ?? "" });
  const id = frame.kind === "workstation" ? WORKSTATION_MACHINE : nodeMachine(frame.node);
  const bootTime = state.nodes[frame.kind === "node" ? frame.node : ""]?.metadata.creationTimestamp;
  return { id, user, home, busybox: false, base, bootTime: bootTime ? Date.parse(bootTime) : firstBoot(state) };
}

/** A container's files: its image's, and what the kubelet mounts. */
export function containerMachineOf(state: ClusterState, place: Place, id: string, image: string, bootTime: number, mounts: VolumeMountView[] = [], binds: VolumeBind[] = []): Machine {
  const info = findImage(image);
  const busybox = info?.busybox === true;
  const base = new Map<string, BaseNode>();
  addDirs(base, busybox ? BUSYBOX_ROOT : DEBIAN_ROOT);
  base.set("/tmp", { type: "dir", mode: 0o1777 });
  base.set("/root", { type: "dir", mode: 0o700 });
  addPlaceFiles(state, place, base);
  if (info?.repository === "nginx") {
    base.set("/usr/share/nginx/html/index.html", { type: "file", mode: 0o644, data: () => NGINX_WELCOME });
    base.set("/usr/share/nginx/html/50x.html", { type: "file", mode: 0o644, data: () => NGINX_50X });
    base.set("/etc/nginx/conf.d/default.conf", { type: "file", mode: 0o644, data: () => NGINX_DEFAULT_CONF });
    fillParents(base);
  }
  for (const mount of mounts) {
    // The mount hides what the image had there.
    for (const path of [...base.keys()]) if (isUnder(mount.path, path)) base.delete(path);
    // An API-data volume's directory is world-writable on the node (the mount itself is read-only).
    base.set(mount.path, { type: "dir", mode: 0o777 });
    for (const [relative, file] of mount.files) base.set(`${mount.path}/${relative}`, { type: "file", mode: file.mode, data: () => file.data });
    fillParents(base);
  }
  for (const bind of binds) {
    // A writable volume hides the image's files too; what it holds is stored where it lives.
    for (const path of [...base.keys()]) if (isUnder(bind.path, path)) base.delete(path);
    base.set(bind.path, { type: "dir", mode: 0o777 });
    fillParents(base);
  }
  // The kubelet bind-mounts resolv.conf, hosts and hostname over whatever a volume put at /etc.
  if (binds.length) addPlaceFiles(state, place, base);
  const readOnly = mounts.map((m) => m.path);
  return { id, user: "root", home: "/root", busybox, base, bootTime, ...(readOnly.length ? { readOnly } : {}), ...(binds.length ? { binds } : {}) };
}

function addDirs(base: Map<string, BaseNode>, names: string[]): void {
  base.set("/", { type: "dir", mode: 0o755 });
  for (const name of names) base.set(`/${name}`, name === "proc" || name === "sys" ? { type: "dir", mode: 0o555, special: name } : { type: "dir", mode: 0o755 });
  base.set("/dev/null", { type: "dev", mode: 0o666 });
}

function dir(base: Map<string, BaseNode>, path: string, mode: number, owner?: string): void {
  base.set(path, { type: "dir", mode, ...(owner ? { owner } : {}) });
  fillParents(base);
}

/** Every ancestor of every entry is a directory. */
function fillParents(base: Map<string, BaseNode>): void {
  for (const path of [...base.keys()]) {
    for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
      const parent = path.slice(0, i);
      if (!base.has(parent)) base.set(parent, { type: "dir", mode: 0o755 });
    }
  }
}

/** resolv.conf, hosts and hostname as the place has them (generated from the cluster). */
function addPlaceFiles(state: ClusterState, place: Place, base: Map<string, BaseNode>, lab?: () => readonly NetIndex[]): void {
  for (const path of ["/etc/resolv.conf", "/etc/hosts", "/etc/hostname"]) {
    base.set(path, { type: "file", mode: 0o644, data: () => readFile(state, place, path, lab) ?? "" });
  }
}

function startedAt(state: ClusterState, namespace: string, pod: string, container: string): number {
  const status = state.pods[`${namespace}/${pod}`]?.status.containerStatuses?.find((s) => s.name === container);
  const started = status?.state.running?.startedAt;
  return started ? Date.parse(started) : state.now;
}

/** When the lab's machines booted: the oldest node's creation. */
function firstBoot(state: ClusterState): number {
  let first = state.now;
  for (const node of Object.values(state.nodes)) first = Math.min(first, Date.parse(node.metadata.creationTimestamp));
  return first;
}
