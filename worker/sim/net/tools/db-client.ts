// What the database clients (redis-cli, psql, mysql, mariadb) share: a TCP connection through the routing
// core (DNS, Service, kube-proxy, the trace) to the server process they speak to.

import { containerEnvironment } from "../../cluster/container-env.ts";
import { databaseEntrypoint, type DatabaseAccount, type DatabaseKind } from "../../cluster/database-entrypoint.ts";
import { findImage, type ServerKind } from "../../cluster/images.ts";
import { runsImageServer } from "../../cluster/process.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { lookupVariable } from "../../shell/variables.ts";
import { connect, type Connection } from "../exchange.ts";
import type { Place } from "../places.ts";
import { commandText, currentPlace, exchangeEnv } from "./where.ts";

export type DbConnectOutcome =
  | { kind: "not-resolved" }
  | { kind: "refused"; ip: string }
  | { kind: "timed-out"; ip: string }
  /** Connected to a process that is not the expected server (its first bytes confuse the client). */
  | { kind: "other-protocol"; ip: string; connection: Connection }
  | { kind: "connected"; ip: string; connection: Connection & { listener: { podKey: string; container: string } } };

/** Opens a connection from where the program runs to host:port, expecting `server` (or one of the servers that speak its protocol) there. */
export function dbConnect(ctx: ProgramContext, place: Place, host: string, port: number, server: ServerKind | readonly ServerKind[]): DbConnectOutcome {
  const outcome = connect(exchangeEnv(ctx), { place, command: commandText(ctx.argv), host, port });
  if (outcome.kind !== "connected") return outcome.kind === "not-resolved" ? outcome : { kind: outcome.kind, ip: outcome.ip };
  const { connection } = outcome;
  const { listener } = connection;
  const speaks = typeof server === "string" ? [server] : server;
  if (!listener.server || !speaks.includes(listener.server) || !listener.podKey || !listener.container) return { kind: "other-protocol", ip: connection.ip, connection };
  return { kind: "connected", ip: connection.ip, connection: connection as Connection & { listener: { podKey: string; container: string } } };
}

/** The place the program runs in; undefined only when the shell stack is broken. */
export function clientPlace(ctx: ProgramContext): Place | undefined {
  return currentPlace(ctx);
}

/** A variable of the program's environment (PGPASSWORD, MYSQL_PWD). */
export function envVar(ctx: ProgramContext, name: string): string | undefined {
  const frame = ctx.shell[ctx.shell.length - 1];
  return lookupVariable(ctx.tx.state, ctx.shell, frame, name);
}

/**
 * The account the database container's entrypoint created, from the container's environment
 * (its literal values and what the kubelet resolved from Secrets and ConfigMaps).
 */
export function serverAccount(ctx: ProgramContext, podKey: string, container: string, kind: DatabaseKind): DatabaseAccount | undefined {
  const spec = ctx.tx.state.pods[podKey]?.spec.containers.find((c) => c.name === container);
  if (!spec) return undefined;
  const verdict = databaseEntrypoint(kind, containerEnvironment(ctx.tx.state, podKey, container));
  return verdict.ok ? verdict.account : undefined;
}

/** The pod container the program runs in, when it is the database server's own container. */
export function localServer(ctx: ProgramContext, place: Place, kind: ServerKind): { podKey: string; container: string } | undefined {
  if (place.kind !== "pod") return undefined;
  const spec = ctx.tx.state.pods[place.key]?.spec.containers.find((c) => c.name === place.container);
  if (!spec || !runsImageServer(spec) || findImage(spec.image)?.server?.kind !== kind) return undefined;
  return { podKey: place.key, container: place.container };
}

/** Splits a -c / -e string into statements at semicolons outside quotes ('', "", ``). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote ? ch === quote : ch === "'" || ch === '"' || ch === "`") quote = quote ? undefined : ch;
    if (ch === ";" && !quote) {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
