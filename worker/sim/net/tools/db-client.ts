// What the database clients (redis-cli, psql, mysql) share: a TCP connection through the routing
// core (DNS, Service, kube-proxy, the trace) to the server process they speak to.

import type { ServerKind } from "../../cluster/images.ts";
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

/** Opens a connection from where the program runs to host:port, expecting `server` there. */
export function dbConnect(ctx: ProgramContext, place: Place, host: string, port: number, server: ServerKind): DbConnectOutcome {
  const outcome = connect(exchangeEnv(ctx), { place, command: commandText(ctx.argv), host, port });
  if (outcome.kind !== "connected") return outcome.kind === "not-resolved" ? outcome : { kind: outcome.kind, ip: outcome.ip };
  const { connection } = outcome;
  const { listener } = connection;
  if (listener.server !== server || !listener.podKey || !listener.container) return { kind: "other-protocol", ip: connection.ip, connection };
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
