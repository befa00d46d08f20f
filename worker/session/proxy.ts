// Turns a real HTTP request into a request inside the simulated cluster, made from the
// workstation (outside the cluster, where only nodeIP:nodePort answers, and localhost:PORT while a
// kubectl port-forward listens there), and its outcome into what
// the browser gets back. The routing is the net core's `exchange` (worker/sim/net/exchange.ts):
// the same DNS, kube-proxy rules and apps that `curl` on the workstation meets, so the proxy and
// the console can never disagree. Its side effects (nginx's access-log line, session affinity)
// are part of the returned state.

import { Tx } from "../sim/cluster/tx.ts";
import { LineClusters } from "../sim/contexts.ts";
import { type SessionState, tick } from "../sim/engine.ts";
import { exchange } from "../sim/net/exchange.ts";
import type { WorkstationForwards } from "../sim/kubectl/port-forward-types.ts";
import { forwardAt } from "../sim/shell/forward-lookup.ts";
import { WORKSTATION_IP, WORKSTATION_NAME } from "../sim/net/places.ts";
import type { RouteTrace } from "../sim/net/trace.ts";
import { createRandom } from "../sim/random.ts";

export interface ProxyRequest {
  host: string;
  port: number;
  method: string;
  /** Path and query, starting with "/". */
  path: string;
  /** Lower-case names; `host` is the target as the app should see it. */
  headers: Record<string, string>;
  body?: string;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  trace: RouteTrace;
}

export function routeProxyRequest(state: SessionState, request: ProxyRequest, now: number): { response: ProxiedResponse; state: SessionState } {
  const current = tick(state, now);
  const random = createRandom(current.rng);
  const at = Math.max(now, current.cluster.now);
  // With several clusters the browser, like the workstation, reaches every cluster's node and
  // MetalLB addresses (net/lab.ts); the others are brought in only when reached.
  const clusters = current.contexts ? new LineClusters(current.cluster, current.contexts, at, random) : undefined;
  const tx = clusters ? clusters.tx(current.contexts!.current, false)! : new Tx(current.cluster);
  const lab = clusters?.view(current.contexts!.current);
  let trace: RouteTrace | undefined;
  const { host: hostHeader, ...otherHeaders } = request.headers;
  // A running `kubectl port-forward` listens on the workstation's loopback: localhost:PORT links go
  // through its tunnel as curl's requests do. Its `Handling connection` line would go to kubectl's
  // terminal, which a browser request has none of; a forward whose pod is gone ends, as in curl.
  let jobs = current.jobs;
  const forwards: WorkstationForwards = {
    at(ip, port) {
      const found = forwardAt(jobs, ip, port);
      if (!found) return undefined;
      return {
        forward: found.forward,
        port: found.port,
        pid: found.job.pid,
        out: () => {},
        err: () => {},
        lost: () => {
          jobs = { ...jobs!, jobs: jobs!.jobs.map((j) => (j.id === found.job.id ? { ...j, ended: { at: tx.state.now, status: 1 } } : j)) };
        },
      };
    },
  };
  const outcome = exchange(
    { tx, random, now: at, trace: (t) => (trace = t), forwards, ...(lab ? { lab } : {}) },
    {
      place: { kind: "workstation", name: WORKSTATION_NAME, ip: WORKSTATION_IP },
      command: `${request.method} http://${request.host}:${request.port}${request.path} (browser, through the playground's proxy)`,
      host: request.host,
      port: request.port,
      request: {
        method: request.method,
        target: request.path,
        headers: [["Host", hostHeader ?? `${request.host}:${request.port}`], ...Object.entries(otherHeaders)],
        ...(request.body === undefined ? {} : { body: request.body }),
      },
    },
  );
  const committed = clusters && clusters.dirty ? clusters.commit(current.shell) : { cluster: tx.dirty ? tx.commit() : current.cluster, contexts: current.contexts };
  const next: SessionState = { ...current, cluster: committed.cluster, ...(committed.contexts ? { contexts: committed.contexts } : {}), rng: random.state, ...(jobs !== current.jobs ? { jobs } : {}) };
  const routeTrace = trace ?? noTrace(request);
  const target = `${request.host}:${request.port}`;
  let response: ProxiedResponse;
  switch (outcome.kind) {
    case "reply": {
      const reply = outcome.reply;
      if (reply.kind === "http") {
        const headers: Record<string, string> = {};
        for (const [name, value] of reply.headers) headers[name] = value;
        response = { status: reply.status, headers, body: reply.body, trace: routeTrace };
      } else {
        response = plain(502, `Bad Gateway: ${target} answered, but not over HTTP. ${reply.note}`, routeTrace);
      }
      break;
    }
    case "timed-out":
      response = plain(504, `Gateway Timeout: nothing answered at ${target} from the workstation. ${routeTrace.reason}`, routeTrace);
      break;
    case "refused":
      response = plain(502, `Bad Gateway: the connection to ${target} was refused. ${routeTrace.reason}`, routeTrace);
      break;
    case "not-resolved":
      response = plain(502, `Bad Gateway: ${request.host} does not resolve from the workstation. ${routeTrace.reason}`, routeTrace);
      break;
    case "tls-failed":
      response = plain(502, `Bad Gateway: the TLS handshake with ${target} failed. ${routeTrace.reason}`, routeTrace);
      break;
  }
  return { response, state: next };
}

function plain(status: number, text: string, trace: RouteTrace): ProxiedResponse {
  return { status, headers: textHeaders(), body: `${text}\n`, trace };
}

function noTrace(request: ProxyRequest): RouteTrace {
  return {
    request: `${request.method} http://${request.host}:${request.port}${request.path}`,
    from: { kind: "workstation", name: WORKSTATION_NAME, ip: WORKSTATION_IP },
    to: { host: request.host, port: request.port, path: request.path },
    hops: [],
    verdict: "timed-out",
    reason: "The request went nowhere.",
  };
}

function textHeaders(): Record<string, string> {
  return { "Content-Type": "text/plain; charset=utf-8" };
}
