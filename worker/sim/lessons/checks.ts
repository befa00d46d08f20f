// Evaluating a step's check against the cluster and the step's memory of requests and values.
// Every result carries a sentence a learner can act on: why it fails, or what holds.

import type { ClusterState, KubeObject } from "../cluster/types.ts";
import { matchField, parseFieldPath, showMatcher, showValue, valuesAt } from "./fields.ts";
import { describeRef, kindWord, namespaceOf, notReadyReason, objectReady, selectObjects } from "./objects.ts";
import { emptyRequestMemory, type RequestMemory } from "./requests.ts";
import type { ChangedCheck, Check, EndpointsCheck, ObjectCheck, ObjectRef, RequestCheck, RequestTarget } from "./schema.ts";
import { serviceEndpoints, whyNoEndpoints } from "./service-endpoints.ts";
import { sameJson } from "../same-json.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface CheckResult {
  passed: boolean;
  /** When failed: why, in plain words. When passed: what holds. */
  explanation: string;
  /**
   * When failed: the mistakes found, each a field path of an object check (`spec.type`,
   * `spec.ports[0].targetPort`), `ready`, or `name` (the object exists under another name), or for
   * a request check the cause of the last request's failure (`no-endpoints`, `port-closed`, ...:
   * net/trace.ts's TraceCause) or `status` (answered with another status); a step's `hintsWhen`
   * gives the hint that fits each.
   */
  mistakes?: string[];
}

function withMistakes(result: CheckResult, mistakes: string[]): CheckResult {
  const distinctMistakes = [...new Set(mistakes)];
  return distinctMistakes.length ? { ...result, mistakes: distinctMistakes } : result;
}

/** What a step remembers between commands, keyed by the path of the check inside the step. */
export interface StepMemory {
  /** `changed` checks: the value when the step started (null when it had none). */
  remembered: Record<string, JsonValue>;
  /** `request` checks: what was seen since the step started. */
  requests: Record<string, RequestMemory>;
}

/** Every leaf check of a kind, with its path ("check", "check.allOf[1]", "check.not"). */
export function leaves<K extends "request" | "changed">(check: Check, kind: K, path = "check"): Array<{ path: string; check: Extract<Check, Record<K, unknown>> }> {
  if ("allOf" in check) return check.allOf.flatMap((c, i) => leaves(c, kind, `${path}.allOf[${i}]`));
  if ("anyOf" in check) return check.anyOf.flatMap((c, i) => leaves(c, kind, `${path}.anyOf[${i}]`));
  if ("not" in check) return leaves(check.not, kind, `${path}.not`);
  return kind in check ? [{ path, check: check as Extract<Check, Record<K, unknown>> }] : [];
}

/** Each reason once: a Service that is missing fails both its object and its endpoints check. */
function distinct(results: CheckResult[]): string[] {
  return [...new Set(results.map((r) => r.explanation))];
}

export function evaluateCheck(check: Check, cluster: ClusterState, memory: StepMemory, path = "check"): CheckResult {
  if ("allOf" in check) {
    const results = check.allOf.map((c, i) => evaluateCheck(c, cluster, memory, `${path}.allOf[${i}]`));
    const failed = results.filter((r) => !r.passed);
    return failed.length
      ? withMistakes({ passed: false, explanation: distinct(failed).join("; and ") }, failed.flatMap((r) => r.mistakes ?? []))
      : { passed: true, explanation: results.map((r) => r.explanation).join("; ") };
  }
  if ("anyOf" in check) {
    const results = check.anyOf.map((c, i) => evaluateCheck(c, cluster, memory, `${path}.anyOf[${i}]`));
    const passed = results.find((r) => r.passed);
    if (passed) return passed;
    const reasons = distinct(results);
    return withMistakes(
      { passed: false, explanation: reasons.length === 1 ? reasons[0] : `none of these holds yet: ${reasons.join("; or ")}` },
      results.flatMap((r) => r.mistakes ?? []),
    );
  }
  if ("not" in check) {
    const inner = evaluateCheck(check.not, cluster, memory, `${path}.not`);
    return inner.passed
      ? { passed: false, explanation: `this should not be so, but ${inner.explanation}` }
      : { passed: true, explanation: inner.explanation };
  }
  if ("object" in check) return evaluateObject(check.object, cluster);
  if ("endpoints" in check) return evaluateEndpoints(check.endpoints, cluster);
  if ("changed" in check) return evaluateChanged(check.changed, cluster, memory.remembered[path] ?? null);
  return evaluateRequest(check.request, memory.requests[path] ?? emptyRequestMemory());
}

// ---- object ----------------------------------------------------------------------------------

function liveObjects(cluster: ClusterState, ref: ObjectRef): { live: KubeObject[]; deleting: KubeObject[] } {
  const all = selectObjects(cluster, ref);
  return {
    live: all.filter((o) => !o.metadata.deletionTimestamp),
    deleting: all.filter((o) => o.metadata.deletionTimestamp),
  };
}

/** The fields of one object that do not match, as "spec.type is ClusterIP, not NodePort", each with its field (the mistake). */
function fieldMismatches(object: KubeObject, check: ObjectCheck): Array<{ mistake: string; text: string }> {
  const out: Array<{ mistake: string; text: string }> = [];
  for (const [field, matcher] of Object.entries(check.fields ?? {})) {
    const path = parseFieldPath(field);
    if (!path || matchField(object, path, matcher)) continue;
    const values = valuesAt(object, path);
    const actual = values.length === 0 ? "unset" : values.length === 1 ? showValue(values[0]) : values.map(showValue).join(", ");
    out.push({ mistake: field, text: `${field} is ${actual}, not ${showMatcher(matcher)}` });
  }
  if (check.ready !== undefined) {
    const ready = objectReady(object);
    if (ready !== undefined && ready !== check.ready) out.push({ mistake: "ready", text: check.ready ? `it is not ready: ${notReadyReason(object)}` : "it is ready" });
  }
  return out;
}

function mismatches(object: KubeObject, check: ObjectCheck): string[] {
  return fieldMismatches(object, check).map((m) => m.text);
}

function fieldSummary(check: ObjectCheck): string {
  const parts = Object.entries(check.fields ?? {}).map(([field, matcher]) => `${field} ${showMatcher(matcher)}`);
  if (check.ready !== undefined) parts.push(check.ready ? "ready" : "not ready");
  return parts.length ? ` with ${parts.join(", ")}` : "";
}

function evaluateObject(check: ObjectCheck, cluster: ClusterState): CheckResult {
  const { live, deleting } = liveObjects(cluster, check);
  const what = describeRef(check);
  const matching = live.filter((o) => mismatches(o, check).length === 0);
  if (check.count !== undefined) {
    const word = check.count === 1 ? kindWord(check.kind) : `${kindWord(check.kind)}s`;
    if (matching.length === check.count) {
      return { passed: true, explanation: `there ${check.count === 1 ? "is" : "are"} ${check.count} ${word} (${what})${fieldSummary(check)}` };
    }
    return { passed: false, explanation: `there ${matching.length === 1 ? "is" : "are"} ${matching.length} ${what}${fieldSummary(check)}, expected ${check.count}` };
  }
  if (matching.length > 0) {
    return { passed: true, explanation: `${check.name !== undefined ? what : `${kindWord(check.kind)} ${matching[0].metadata.name}`} exists${fieldSummary(check)}` };
  }
  if (live.length === 0) {
    if (deleting.length > 0) return { passed: false, explanation: `${what} is being deleted` };
    const ns = namespaceOf(check);
    const where = check.kind === "Node" || check.kind === "Namespace" ? "" : ` in namespace ${ns}`;
    // The right object under another name (the lecture's `--name nginx-svc`): the step needs the name.
    if (check.name !== undefined && check.fields !== undefined) {
      const { name: _name, ...unnamed } = check;
      const namesake = liveObjects(cluster, unnamed).live.find((o) => mismatches(o, check).length === 0);
      if (namesake) {
        const word = kindWord(check.kind);
        return {
          passed: false,
          explanation: `${word} ${namesake.metadata.name} is right except its name: this step needs the name ${check.name} (the next steps use it)`,
          mistakes: ["name"],
        };
      }
    }
    return { passed: false, explanation: check.name !== undefined ? `there is no ${kindWord(check.kind)} ${check.name}${where}` : `there are no ${what}${where && check.selector ? "" : where}` };
  }
  const first = live[0];
  const found = fieldMismatches(first, check);
  const subject = `${kindWord(check.kind)} ${first.metadata.name}`;
  const others = live.length > 1 ? ` (and ${live.length - 1} other ${kindWord(check.kind)}${live.length > 2 ? "s" : ""} do not match either)` : "";
  return withMistakes({ passed: false, explanation: `${subject}: ${found.map((m) => m.text).join("; ")}${others}` }, found.map((m) => m.mistake));
}

// ---- endpoints -------------------------------------------------------------------------------

function evaluateEndpoints(check: EndpointsCheck, cluster: ClusterState): CheckResult {
  const namespace = namespaceOf(check);
  const service = cluster.services[`${namespace}/${check.service}`];
  const name = namespace === "default" ? `the service ${check.service}` : `the service ${check.service} in namespace ${namespace}`;
  if (!service || service.metadata.deletionTimestamp) return { passed: false, explanation: `there is no service ${check.service} in namespace ${namespace}` };
  const found = serviceEndpoints(cluster, service);
  const n = found.addresses;
  const min = check.min ?? 1;
  const shown = found.endpoints.length;
  const list = shown ? `: ${found.endpoints.slice(0, 5).join(", ")}${shown > 5 ? ` and ${shown - 5} more` : ""}` : "";
  const has = `${name} has ${n === 0 ? "no endpoints" : n === 1 ? "1 endpoint" : `${n} endpoints`}`;
  if (n < min) {
    const why = whyNoEndpoints(cluster, service, found);
    return { passed: false, explanation: n === 0 ? `${has}: ${why}` : `${has}${list}; expected at least ${min} (${why})` };
  }
  if (check.max !== undefined && n > check.max) {
    return { passed: false, explanation: `${has}${list}; expected at most ${check.max}` };
  }
  return { passed: true, explanation: `${has}${list}` };
}

// ---- changed ---------------------------------------------------------------------------------

/** The value a `changed` check watches: one value for a named object, a sorted list for a selector. */
export function watchedValue(check: ChangedCheck, cluster: ClusterState): JsonValue {
  const path = parseFieldPath(check.field);
  if (!path) return null;
  const objects = liveObjects(cluster, check).live;
  if (check.name !== undefined) {
    if (objects.length === 0) return null;
    const values = valuesAt(objects[0], path);
    return values.length === 0 ? null : (values.length === 1 ? values[0] : values) as JsonValue;
  }
  const values = objects.flatMap((o) => valuesAt(o, path)).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return values.length === 0 ? null : values.sort();
}


function evaluateChanged(check: ChangedCheck, cluster: ClusterState, before: JsonValue): CheckResult {
  const now = watchedValue(check, cluster);
  const what = describeRef(check);
  if (now === null) {
    const exists = liveObjects(cluster, check).live.length > 0;
    return { passed: false, explanation: exists ? `${what} has no ${check.field} yet` : `there is no ${what} now` };
  }
  if (before !== null && sameJson(now, before)) {
    return { passed: false, explanation: `${what} still has ${check.field} ${showValue(now)}, as when this step started` };
  }
  return {
    passed: true,
    explanation: before === null ? `${what} now has ${check.field} ${showValue(now)}` : `${check.field} of ${what} changed from ${showValue(before)} to ${showValue(now)}`,
  };
}

// ---- request ---------------------------------------------------------------------------------

const FROM_WORDS = { workstation: "from the workstation (outside the cluster)", node: "from a node", pod: "from a pod" } as const;

function describeFrom(check: RequestCheck): string {
  if (!check.from) return "";
  const { kind, name } = check.from;
  if (name === undefined) return ` ${FROM_WORDS[kind]}`;
  return kind === "workstation" ? ` ${FROM_WORDS.workstation}` : ` from ${kind} ${name}`;
}

function describeTarget(to: RequestTarget): string {
  const port = to.port !== undefined && to.kind !== "nodePort" ? ` port ${to.port}` : "";
  switch (to.kind) {
    case "nodePort": {
      const node = to.node !== undefined ? `${to.node}'s IP` : "a node's IP";
      const service = to.service !== undefined ? ` of service ${to.service}` : "";
      return `${node} at the NodePort${service}${to.port !== undefined ? ` (${to.port})` : ""}`;
    }
    case "clusterIP":
      return `${to.service !== undefined ? `the ClusterIP of service ${to.service}` : "a ClusterIP"}${port}`;
    case "loadBalancer":
      return `${to.service !== undefined ? `the load-balancer IP (EXTERNAL-IP) of service ${to.service}` : "a load-balancer IP"}${port}`;
    case "podIP":
      return `${to.pod !== undefined ? `the IP of pod ${to.pod}` : to.selector ? "the IP of a selected pod" : "a pod IP"}${port}`;
    case "name":
      return `${to.name !== undefined ? `the name ${to.name}` : to.service !== undefined ? `service ${to.service} by its DNS name` : "a DNS name"}${port}`;
    case "service":
      return `service ${to.service}${port}`;
    case "address":
      return `${to.host}${to.port !== undefined ? `:${to.port}` : ""}`;
  }
}

export function describeRequest(check: RequestCheck): string {
  return `a request${describeFrom(check)} to ${describeTarget(check.to)}`;
}

function describeOutcome(check: RequestCheck): string {
  const verdict = check.verdict === undefined ? "" : check.verdict === "answered" ? "answered" : check.verdict.replace("-", " ");
  const status = check.status !== undefined ? ` with status ${check.status}` : "";
  return verdict || status ? ` ${verdict || "answered"}${status}` : "";
}

function showOutcome(last: NonNullable<RequestMemory["last"]>): string {
  if (last.verdict === "answered") return last.status !== undefined ? `was answered with status ${last.status}` : "was answered";
  if (last.verdict === "empty-reply") return "got an empty reply";
  if (last.verdict === "not-resolved") return "could not resolve its host";
  return last.verdict === "timed-out" ? "timed out" : `was ${last.verdict}`;
}

function shortPod(pod: string): string {
  return pod.startsWith("default/") ? pod.slice("default/".length) : pod;
}

function evaluateRequest(check: RequestCheck, memory: RequestMemory): CheckResult {
  const shape = describeRequest(check);
  const count = check.count ?? 1;
  if (memory.seen === 0) {
    const miss = memory.miss;
    if (!miss) return { passed: false, explanation: `no ${shape.slice(2)} so far in this lesson` };
    // The request the learner meant as this one, and why it failed: "curl 192.168.56.11:8080 was refused: ...".
    const why = `${clientOf(miss.request)} ${miss.host}:${miss.port} ${showOutcome(miss)}: ${lowerFirst(miss.reason)}`;
    return withMistakes({ passed: false, explanation: `no ${shape.slice(2)} so far in this lesson; the last request near it, ${why}` }, miss.cause ? [miss.cause] : []);
  }
  if (memory.hits < count) {
    const last = memory.last!;
    // One sentence naming what happened and why, as the learner typed it: "curl 192.168.56.11:30281
    // was refused: no process in pod default/nginx listens on port 8080 (it listens on 80) ...".
    const why = `${clientOf(last.request)} ${last.host}:${last.port} ${showOutcome(last)}${last.verdict === "answered" ? "" : `: ${lowerFirst(last.reason)}`}`;
    const progress = count > 1 ? `${memory.hits} of ${count} requests${describeOutcome(check)} so far; the last, ` : "";
    const mistake = last.cause ?? (last.verdict === "answered" && check.status !== undefined && last.status !== check.status ? "status" : undefined);
    return withMistakes({ passed: false, explanation: `${progress}${why}` }, mistake ? [mistake] : []);
  }
  if (check.distinctPods !== undefined && memory.pods.length < check.distinctPods) {
    const pods = memory.pods.map(shortPod);
    return {
      passed: false,
      explanation: pods.length === 0
        ? `no pod answered ${shape.slice(2)} yet; expected at least ${check.distinctPods} different pods`
        : `${memory.hits} answered requests reached only ${pods.length === 1 ? `pod ${pods[0]}` : `pods ${pods.join(", ")}`}; expected at least ${check.distinctPods} different pods`,
    };
  }
  if (check.samePod) {
    const window = memory.recent.slice(-count);
    const distinct = [...new Set(window)];
    if (window.length < count || distinct.length !== 1 || distinct[0] === "") {
      return { passed: false, explanation: `the last ${window.length} answered requests reached ${distinct.length} different pods (${distinct.map(shortPod).join(", ")}); expected all to reach one pod` };
    }
    return { passed: true, explanation: `the last ${count} answered requests all reached pod ${shortPod(distinct[0])}` };
  }
  const pods = check.distinctPods !== undefined ? ` (pods ${memory.pods.map(shortPod).join(", ")})` : "";
  return { passed: true, explanation: `${memory.hits === 1 ? shape : `${memory.hits} requests${shape.slice("a request".length)}`}${describeOutcome(check) ? ` ${describeOutcome(check).trim()}` : " made"}${pods}` };
}

/** The program that made a request (`curl`, `wget`, `redis-cli`), from its command line; "the request to" otherwise. */
function clientOf(request: string): string {
  const word = /^\s*([a-z][a-z0-9-]*)(\s|$)/.exec(request)?.[1];
  return word ?? "the request to";
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
