// Small programs every place has: hostname, env, cat, echo, clear.

import { serviceEnvOf } from "../cluster/service-env.ts";
import { currentPlace } from "../net/tools/where.ts";
import { readFile } from "./files.ts";
import type { ProgramContext } from "./types.ts";

export function hostname(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const name = place.kind === "pod" ? (place.hostNetwork ? place.nodeName : place.name) : place.name;
  ctx.out(`${name}\n`);
  return 0;
}

/** Image defaults the official images set with ENV (what `env` shows besides Kubernetes'). */
const IMAGE_ENV: Record<string, Array<[string, string]>> = {
  nginx: [["NGINX_VERSION", "1.29.3"], ["NJS_VERSION", "0.9.4"], ["NJS_RELEASE", "1~trixie"], ["PKG_RELEASE", "1~trixie"], ["DYNPKG_RELEASE", "1~trixie"]],
  httpd: [["HTTPD_PREFIX", "/usr/local/apache2"], ["HTTPD_VERSION", "2.4.65"]],
  redis: [["REDIS_DOWNLOAD_URL", "http://download.redis.io/releases/redis-8.2.3.tar.gz"]],
};

export function env(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const lines: string[] = [];
  if (place.kind === "pod") {
    const state = ctx.tx.state;
    const pod = state.pods[place.key];
    const container = pod?.spec.containers.find((c) => c.name === place.container) ?? pod?.spec.containers[0];
    const repository = container?.image.replace(/^docker\.io\//, "").replace(/^library\//, "").replace(/[:@].*$/, "") ?? "";
    lines.push("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    lines.push(`HOSTNAME=${place.hostNetwork ? place.nodeName : place.name}`);
    for (const e of container?.env ?? []) lines.push(`${e.name}=${e.value ?? ""}`);
    const serviceEnv = serviceEnvOf(state, state.podRuntime[place.key]);
    for (const name of Object.keys(serviceEnv).sort()) lines.push(`${name}=${serviceEnv[name]}`);
    for (const [k, v] of IMAGE_ENV[repository] ?? []) lines.push(`${k}=${v}`);
    lines.push("HOME=/root");
  } else {
    const user = ctx.shell.find((f) => f.kind === "workstation");
    const name = user && user.kind === "workstation" ? user.user : "student";
    lines.push(
      "SHELL=/bin/bash",
      `PWD=/home/${name}`,
      `LOGNAME=${name}`,
      `HOME=/home/${name}`,
      "LANG=C.UTF-8",
      "TERM=xterm-256color",
      `USER=${name}`,
      "SHLVL=1",
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin",
      "_=/usr/bin/env",
    );
  }
  ctx.out(lines.join("\n") + "\n");
  return 0;
}

export function cat(ctx: ProgramContext): number {
  const paths = ctx.argv.slice(1).filter((a) => a !== "--");
  if (paths.length === 0) {
    ctx.out(ctx.stdin ?? "");
    return 0;
  }
  const place = currentPlace(ctx);
  if (!place) return 1;
  let code = 0;
  for (const path of paths) {
    if (path === "-") {
      ctx.out(ctx.stdin ?? "");
      continue;
    }
    const text = readFile(ctx.tx.state, place, path);
    if (text === undefined) {
      ctx.err(`cat: ${path}: No such file or directory\n`);
      code = 1;
    } else ctx.out(text);
  }
  return code;
}

export function echo(ctx: ProgramContext): number {
  let args = ctx.argv.slice(1);
  let newline = true;
  if (args[0] === "-n") {
    newline = false;
    args = args.slice(1);
  }
  ctx.out(args.join(" ") + (newline ? "\n" : ""));
  return 0;
}

export function clear(ctx: ProgramContext): number {
  ctx.out("\x1b[H\x1b[2J\x1b[3J");
  return 0;
}
