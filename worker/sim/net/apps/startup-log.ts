// What a server image writes to its container log when it starts, before any request: the lines
// `kubectl logs` shows first. They depend only on the image, the container's start time and the
// node it runs on, so they are derived here rather than stored in the session state.

import { databaseEntrypoint } from "../../cluster/database-entrypoint.ts";
import type { ServerKind } from "../../cluster/images.ts";
import { slashDate } from "../http.ts";
import { ingressNginxStartup } from "./ingress-nginx.ts";
import { bootcampStartup } from "./kubernetes-bootcamp.ts";
import { NGINX_FIRST_WORKER_PID, NGINX_VERSION } from "./nginx.ts";

export interface StartupContext {
  /** status.containerStatuses[].state.running.startedAt, in ms. */
  startedAt: number;
  /** The node's kernel (`uname -r`), e.g. 6.8.0-51-generic. */
  kernelVersion: string;
  /** The node's CPU count: nginx's `worker_processes auto` starts one worker per CPU. */
  cpus: number;
  /** The container's environment: the database images' entrypoints check their password variables. */
  env?: Readonly<Record<string, string>>;
  /** The host name the process sees (the pod's name): the bootcamp prints it. */
  hostname?: string;
  /** The server's ports as its flags chose them (agnhost), TCP first. */
  ports?: ReadonlyArray<{ port: number; protocol: "TCP" | "UDP" }>;
  /** The server's arguments: agnhost's subcommand. */
  args?: readonly string[];
  /** The image reference (ingress-nginx prints its release). */
  image?: string;
  namespace?: string;
  /** The API server's /version and the kubernetes Service's address (ingress-nginx's in-cluster client). */
  apiServer?: { version: Record<string, string>; host: string };
}

/**
 * nginx:1.29 (Debian 13): /docker-entrypoint.sh's lines (docker-nginx entrypoint and its
 * 10-listen-on-ipv6-by-default.sh; the 15/20/30 scripts are silent without their variables),
 * then nginx's notices. getrlimit is containerd 1.7's default RLIMIT_NOFILE.
 */
function nginxStartup(ctx: StartupContext): string[] {
  const at = slashDate(ctx.startedAt);
  const notice = (text: string) => `${at} [notice] 1#1: ${text}`;
  const workers: string[] = [];
  for (let i = 0; i < Math.max(1, ctx.cpus); i++) workers.push(notice(`start worker process ${NGINX_FIRST_WORKER_PID + i}`));
  return [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
    notice('using the "epoll" event method'),
    notice(`nginx/${NGINX_VERSION}`),
    // nginx prints NGX_COMPILER as configure recorded it, trailing space included.
    notice("built by gcc 14.2.0 (Debian 14.2.0-19) "),
    notice(`OS: Linux ${ctx.kernelVersion}`),
    notice("getrlimit(RLIMIT_NOFILE): 1048576:1048576"),
    notice("start worker processes"),
    ...workers,
  ];
}

/**
 * The lines the image's process prints at start. Images whose start-up output is long and
 * version-specific (tomcat, httpd, the databases, echoserver) print nothing here rather than a guess.
 */
export function startupLog(kind: ServerKind, ctx: StartupContext): string[] {
  switch (kind) {
    case "nginx":
      return nginxStartup(ctx);
    case "whoami":
      // traefik/whoami's main: log.Printf("Starting up on port %s", port).
      return [`${slashDate(ctx.startedAt)} Starting up on port 80`];
    case "http-echo":
      // hashicorp/http-echo's main: log.Printf("[INFO] server is listening on %s\n", *listenFlag).
      return [`${slashDate(ctx.startedAt)} [INFO] server is listening on :5678`];
    case "serve-hostname":
      // log.Printf("Serving on port %d.\n", port)
      return [`${slashDate(ctx.startedAt)} Serving on port ${tcpPort(ctx, 9376)}.`];
    case "agnhost": {
      const at = slashDate(ctx.startedAt);
      if (ctx.args?.[0] === "serve-hostname") return [`${at} Serving on port ${tcpPort(ctx, 9376)}.`];
      // No args: the image's CMD, pause, which prints one word (agnhost/pause/pause.go).
      if ((ctx.args?.[0] ?? "pause") === "pause") return ["Paused"];
      if (ctx.args?.[0] !== "netexec") return [];
      // startServer logs synchronously; the UDP goroutine's line ("%s %d" with an empty bind address) follows.
      const udp = ctx.ports?.find((p) => p.protocol === "UDP");
      return [`${at} Started HTTP server on port ${tcpPort(ctx, 8080)}`, ...(udp ? [`${at} Started UDP server on port  ${udp.port}`] : [])];
    }
    case "kubernetes-bootcamp":
      return bootcampStartup(ctx.startedAt, ctx.hostname ?? "");
    case "hello-app":
      return [`${slashDate(ctx.startedAt)} Server listening on port 8080`];
    case "hello-go": {
      // hello/main.go logs these before flag.Parse, so they name the defaults whatever the flags say.
      const at = slashDate(ctx.startedAt);
      return [`${at} Starting server...`, `${at} Health service listening on 0.0.0.0:81`, `${at} HTTP service listening on 0.0.0.0:80`];
    }
    case "echo-server":
      return ["Echo server listening on port 8080."];
    case "ingress-nginx":
      return ingressNginxStartup({ startedAt: ctx.startedAt, image: ctx.image ?? "", podName: ctx.hostname ?? "", namespace: ctx.namespace ?? "", version: ctx.apiServer?.version ?? {}, apiHost: ctx.apiServer?.host ?? "" });
    case "postgres":
    case "mysql":
    case "mariadb": {
      // Only the entrypoint's refusal is printed; a started server's initdb/mysqld output is long and version-specific.
      const verdict = databaseEntrypoint(kind, ctx.env ?? {});
      return verdict.ok ? [] : verdict.log(ctx.startedAt);
    }
    default:
      return [];
  }
}

function tcpPort(ctx: StartupContext, fallback: number): number {
  return ctx.ports?.find((p) => p.protocol === "TCP")?.port ?? fallback;
}
