// The shapes of a connection from a place (exchange.ts makes them; net/port-forward.ts makes one
// through kubectl's tunnel), apart so that both can name them.

import type { Tx } from "../cluster/tx.ts";
import type { WorkstationForwards } from "../kubectl/port-forward-types.ts";
import type { Random } from "../random.ts";
import type { Listener } from "./apps/listeners.ts";
import type { LabClusters } from "./lab.ts";
import type { Protocol } from "./index.ts";
import type { Place } from "./places.ts";
import type { Endpoint, Hop, RouteTrace, Verdict } from "./trace.ts";

export interface ExchangeEnv {
  tx: Tx;
  random: Random;
  now: number;
  trace(trace: RouteTrace): void;
  /** The workstation's running `kubectl port-forward` jobs: a connection to one of their ports takes its tunnel. */
  forwards?: WorkstationForwards;
  /** The session's clusters (several only): from the workstation, another cluster's node or load-balancer address answers through that cluster (lab.ts). */
  lab?: LabClusters;
}

/** Where a connection is being made, for routing and the trace. */
export interface ConnectInput {
  place: Place;
  /** The command as typed, for the trace. */
  command: string;
  host: string;
  port: number;
  protocol?: Protocol;
  /** What the trace shows after host:port (an HTTP path). */
  path?: string;
}

/** A TCP connection that reached a listening process: the client now talks to `listener`. */
export interface Connection {
  ip: string;
  local: Endpoint;
  listener: Listener;
  /** The peer address the process sees (after any SNAT) and the address it accepted on. */
  client: Endpoint;
  dst: Endpoint;
  /** The trace so far; `finish` completes it with what the process did (and, for a proxy, the hops after it). */
  finish(verdict: Verdict, note: string, status?: number, after?: Hop[]): void;
  /** Through IPVS: the counters (ipvs-stats.ts) of its virtual and real server, which the exchange's payload adds to. */
  ipvsStats?: readonly string[];
}

export type ConnectOutcome =
  | { kind: "not-resolved" }
  | { kind: "refused"; ip: string; local: Endpoint }
  | { kind: "timed-out"; ip: string; local: Endpoint }
  | { kind: "connected"; connection: Connection };
