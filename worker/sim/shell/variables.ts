// A shell's variables: the environment of the place it runs in (a pod's container env and the
// Service variables the kubelet gave it; a login's HOME, USER, PATH...), bash's own HOSTNAME, and
// what the learner set with `NAME=value` or `export`. Frames are values: a change returns a new one.

import { containerEnvironment } from "../cluster/container-env.ts";
import { serviceEnvOf } from "../cluster/service-env.ts";
import type { ClusterState } from "../cluster/types.ts";
import { netIndex } from "../net/index.ts";
import { hostNameOf, placeOf } from "../net/places.ts";
import type { ShellFrame } from "./types.ts";

/** Image defaults the official images set with ENV (what `env` shows besides Kubernetes'). */
const IMAGE_ENV: Record<string, Array<[string, string]>> = {
  nginx: [["NGINX_VERSION", "1.29.3"], ["NJS_VERSION", "0.9.4"], ["NJS_RELEASE", "1~trixie"], ["PKG_RELEASE", "1~trixie"], ["DYNPKG_RELEASE", "1~trixie"]],
  httpd: [["HTTPD_PREFIX", "/usr/local/apache2"], ["HTTPD_VERSION", "2.4.65"]],
  redis: [["REDIS_DOWNLOAD_URL", "http://download.redis.io/releases/redis-8.2.3.tar.gz"]],
};

/** The environment a process starts with in the place of `frame`, in the order `env` prints it. */
export function environmentOf(state: ClusterState, shell: readonly ShellFrame[], frame: ShellFrame): Array<[string, string]> {
  const place = placeOf(frame, state, netIndex(state));
  if (!place) return [];
  if (place.kind === "pod") {
    const pod = state.pods[place.key];
    const container = pod?.spec.containers.find((c) => c.name === place.container) ?? pod?.spec.containers[0];
    const repository = container?.image.replace(/^docker\.io\//, "").replace(/^library\//, "").replace(/[:@].*$/, "") ?? "";
    const lines: Array<[string, string]> = [
      ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      ["HOSTNAME", hostNameOf(place, state)],
    ];
    const env = container ? containerEnvironment(state, place.key, container.name) : {};
    for (const name of Object.keys(env)) lines.push([name, env[name]]);
    const serviceEnv = serviceEnvOf(state, state.podRuntime[place.key]);
    // The kubelet leaves out a Service variable the container sets itself.
    for (const name of Object.keys(serviceEnv).sort()) if (!Object.hasOwn(env, name)) lines.push([name, serviceEnv[name]]);
    lines.push(...(IMAGE_ENV[repository] ?? []));
    lines.push(["HOME", "/root"]);
    return lines;
  }
  const login = shell.find((f) => f.kind === "workstation");
  const user = frame.kind === "node" ? frame.user : login?.kind === "workstation" ? login.user : "student";
  const home = homeOf(user);
  return [
    ["SHELL", "/bin/bash"],
    ["PWD", frame.cwd ?? home],
    ["LOGNAME", user],
    ["HOME", home],
    ["LANG", "C.UTF-8"],
    ["TERM", "xterm-256color"],
    ["USER", user],
    ["SHLVL", "1"],
    ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin"],
    ["_", "/usr/bin/env"],
  ];
}

/** A login's home directory on the workstation and the nodes. */
export function homeOf(user: string): string {
  return user === "root" ? "/root" : `/home/${user}`;
}

/** What `$name` expands to in `frame`; undefined when the variable is unset. */
export function lookupVariable(state: ClusterState, shell: readonly ShellFrame[], frame: ShellFrame, name: string): string | undefined {
  if (frame.vars && Object.prototype.hasOwnProperty.call(frame.vars, name)) return frame.vars[name];
  const inherited = environmentOf(state, shell, frame).find(([key]) => key === name);
  if (inherited) return inherited[1];
  // bash sets HOSTNAME for itself without exporting it (so `env` on a login does not list it).
  if (name === "HOSTNAME" && frame.kind !== "pod") return frame.kind === "node" ? frame.node : frame.host;
  return undefined;
}

/** The environment `env` prints: the place's, then what `export` added or changed. */
export function exportedEnvironment(state: ClusterState, shell: readonly ShellFrame[], frame: ShellFrame): Array<[string, string]> {
  const lines = environmentOf(state, shell, frame);
  for (const name of frame.exported ?? []) {
    const value = frame.vars?.[name];
    if (value === undefined) continue;
    const at = lines.findIndex(([key]) => key === name);
    if (at >= 0) lines[at] = [name, value];
    else lines.push([name, value]);
  }
  return lines;
}

/** The frame with these variables set (and exported, when `exported` is true). */
export function withVariables(frame: ShellFrame, values: Record<string, string>, exported = false): ShellFrame {
  const names = Object.keys(values);
  if (names.length === 0) return frame;
  const next = { ...frame, vars: { ...frame.vars, ...values } };
  if (exported) next.exported = [...new Set([...(frame.exported ?? []), ...names])];
  return next;
}

/** The frame with these names marked for export (their values stay as they are). */
export function withExported(frame: ShellFrame, names: string[]): ShellFrame {
  const before = frame.exported ?? [];
  const added = names.filter((n) => !before.includes(n));
  return added.length === 0 ? frame : { ...frame, exported: [...before, ...added] };
}

/** The frame without these variables (`unset`). */
export function withoutVariables(frame: ShellFrame, names: string[]): ShellFrame {
  if (!names.some((n) => frame.vars?.[n] !== undefined || frame.exported?.includes(n))) return frame;
  const vars = { ...frame.vars };
  for (const name of names) delete vars[name];
  const exported = (frame.exported ?? []).filter((n) => !names.includes(n));
  const next: ShellFrame = { ...frame, vars };
  if (Object.keys(vars).length === 0) delete next.vars;
  if (exported.length > 0) next.exported = exported;
  else delete next.exported;
  return next;
}

/**
 * The frame with `names` as they were in `before`: what a command's prefix assignments
 * (`PGPASSWORD=x psql ...`) set for that command only is undone once it ends.
 */
export function withVariablesOf(frame: ShellFrame, before: ShellFrame, names: string[]): ShellFrame {
  let next = withoutVariables(frame, names);
  const kept: Record<string, string> = {};
  for (const name of names) if (before.vars?.[name] !== undefined) kept[name] = before.vars[name];
  next = withVariables(next, kept);
  return withExported(next, names.filter((n) => before.exported?.includes(n)));
}

/** The frame remembering `$?` (the same frame when nothing changes, so a success writes nothing). */
export function withStatus(frame: ShellFrame, status: number): ShellFrame {
  if ((frame.status ?? 0) === status) return frame;
  const next: ShellFrame = { ...frame };
  if (status === 0) delete next.status;
  else next.status = status;
  return next;
}
