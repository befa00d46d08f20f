// Turns a real HTTP request into a request inside the simulated cluster, made from the
// workstation, and its outcome into what the browser gets back.
//
// The routing itself is the net core's pure function, expected as
//   routeHttpRequest(cluster, {from: "workstation", host, port, method, path, headers, body}, random)
//     -> { trace: RouteTrace, response?: {status, headers, body}, cluster?: ClusterState }
// TODO(integrator): routeHttpRequest is not in worker/sim/net/ yet; wire `route` below to it.

import type { ClusterState } from "../sim/cluster/types.ts";
import type { SessionState } from "../sim/engine.ts";
import type { RouteTrace } from "../sim/net/trace.ts";
import { createRandom, type Random } from "../sim/random.ts";

export interface ProxyRequest {
  host: string;
  port: number;
  method: string;
  /** Path and query, starting with "/". */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpRequestSpec extends ProxyRequest {
  from: "workstation";
}

export interface HttpRouteResult {
  trace: RouteTrace;
  /** Present when a process answered over HTTP. */
  response?: { status: number; headers: Record<string, string>; body: string };
  /** The cluster after the request, when answering changed it (an access-log line). */
  cluster?: ClusterState;
}

export type RouteHttpRequest = (cluster: ClusterState, request: HttpRequestSpec, random: Random) => HttpRouteResult;

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  trace: RouteTrace;
}

const route: RouteHttpRequest | undefined = undefined;

export function routeProxyRequest(state: SessionState, request: ProxyRequest, _now: number): { response: ProxiedResponse; state: SessionState } {
  if (!route) {
    const trace: RouteTrace = {
      request: `${request.method} http://${request.host}:${request.port}${request.path}`,
      from: { kind: "workstation", name: "workstation", ip: "" },
      to: { host: request.host, port: request.port, path: request.path },
      hops: [],
      verdict: "refused",
      reason: "The simulated cluster's routing core is not available in this build.",
    };
    return { response: { status: 502, headers: textHeaders(), body: `${trace.reason}\n`, trace }, state };
  }
  const random = createRandom(state.rng);
  const result = route(state.cluster, { from: "workstation", ...request }, random);
  const next: SessionState = { ...state, cluster: result.cluster ?? state.cluster, rng: random.state };
  return { response: toResponse(result), state: next };
}

function toResponse(result: HttpRouteResult): ProxiedResponse {
  const { trace } = result;
  if (trace.verdict === "answered" && result.response) {
    return { status: result.response.status, headers: result.response.headers, body: result.response.body, trace };
  }
  const target = `${trace.to.host}:${trace.to.port}`;
  switch (trace.verdict) {
    case "timed-out":
      return { status: 504, headers: textHeaders(), body: `Gateway Timeout: nothing answered at ${target} from the workstation. ${trace.reason}\n`, trace };
    case "not-resolved":
      return { status: 502, headers: textHeaders(), body: `Bad Gateway: ${trace.to.host} does not resolve from the workstation. ${trace.reason}\n`, trace };
    case "refused":
      return { status: 502, headers: textHeaders(), body: `Bad Gateway: the connection to ${target} was refused. ${trace.reason}\n`, trace };
    default:
      return { status: 502, headers: textHeaders(), body: `Bad Gateway: ${target} closed the connection without an HTTP answer. ${trace.reason}\n`, trace };
  }
}

function textHeaders(): Record<string, string> {
  return { "Content-Type": "text/plain; charset=utf-8" };
}
