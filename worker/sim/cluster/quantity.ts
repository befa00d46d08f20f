// Resource quantities (apimachinery resource.Quantity) to the precision the playground needs:
// parsed to milli-units, summed keeping the first operand's format, printed in canonical form
// (Quantity.String), and a pod's requests and limits and QoS class as the API computes them.
import type { Container, PodSpec } from "./types.ts";

export interface Quantity {
  /** The value in milli-units (1 cpu = 1000, 1 byte = 1000). */
  milli: number;
  /** BinarySI (Ki, Mi, ...) or DecimalSI (m, k, M, ... or none). */
  binary: boolean;
}

export const ZERO_QUANTITY: Quantity = Object.freeze({ milli: 0, binary: false });

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** The quantity a spec value stands for, or undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined;
  const match = text === undefined ? null : PATTERN.exec(text);
  if (!match) return undefined;
  const suffix = match[3] ?? "";
  const binary = suffix in BINARY;
  const scale = binary ? BINARY[suffix] : suffix in DECIMAL ? DECIMAL[suffix] : 10 ** Number(suffix.slice(1));
  // Rounded at a millionth first so 0.1 * 1000 is 100, then up to a milli as MilliValue does.
  const milli = Math.ceil(Math.round(Number(match[2]) * scale * 1e6) / 1e3);
  return { milli: match[1] === "-" ? -milli : milli, binary };
}

/** Quantity.String: the canonical text of the value in its format. */
export function formatQuantity(q: Quantity): string {
  if (q.milli === 0) return "0";
  const sign = q.milli < 0 ? "-" : "";
  const milli = Math.abs(q.milli);
  // BinarySI falls back to DecimalSI for fractions and for values under 1024 (CanonicalizeBytes).
  if (q.binary && milli % 1000 === 0 && milli >= 1024 * 1000) {
    let value = milli / 1000;
    let exponent = 0;
    while (exponent < 6 && value % 1024 === 0) {
      value /= 1024;
      exponent++;
    }
    return `${sign}${value}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exponent]}`;
  }
  let mantissa = milli;
  let exponent = -3;
  while (mantissa % 10 === 0) {
    mantissa /= 10;
    exponent++;
  }
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= 10 ** down;
  exponent -= down;
  const suffix = ["m", "", "k", "M", "G", "T", "P", "E"][exponent / 3 + 1];
  return `${sign}${mantissa}${suffix}`;
}

/** Value(): whole units, rounded up. */
export function quantityValue(q: Quantity): number {
  return Math.ceil(q.milli / 1000);
}

export type ResourceTotals = Map<string, Quantity>;

function add(total: ResourceTotals, name: string, q: Quantity): void {
  const before = total.get(name);
  total.set(name, before ? { milli: before.milli + q.milli, binary: before.binary } : q);
}

function listOf(resources: Record<string, unknown> | undefined, key: "requests" | "limits"): Record<string, unknown> | undefined {
  const list = resources?.[key];
  return list !== null && typeof list === "object" && !Array.isArray(list) ? (list as Record<string, unknown>) : undefined;
}

function containerTotals(containers: readonly Container[] | undefined, key: "requests" | "limits"): ResourceTotals {
  const total: ResourceTotals = new Map();
  for (const c of containers ?? []) {
    const list = listOf(c.resources, key);
    for (const name in list) {
      const q = parseQuantity(list[name]);
      if (q) add(total, name, q);
    }
  }
  return total;
}

/**
 * component-helpers PodRequests / PodLimits: the containers' sum, at least each init
 * container's own value, plus the pod overhead.
 */
export function podRequestsAndLimits(spec: PodSpec): { requests: ResourceTotals; limits: ResourceTotals } {
  const extra = spec as PodSpec & { initContainers?: Container[]; overhead?: Record<string, unknown> };
  const result = { requests: containerTotals(spec.containers, "requests"), limits: containerTotals(spec.containers, "limits") };
  for (const key of ["requests", "limits"] as const) {
    const total = result[key];
    for (const init of extra.initContainers ?? []) {
      for (const [name, q] of containerTotals([init], key)) {
        const before = total.get(name);
        if (!before || q.milli > before.milli) total.set(name, q);
      }
    }
    const overhead = extra.overhead;
    if (overhead && typeof overhead === "object") {
      for (const name in overhead) {
        const q = parseQuantity(overhead[name]);
        // Overhead adds to limits only where some limit exists (a missing limit is unbounded).
        if (q && (key === "requests" || total.has(name))) add(total, name, q);
      }
    }
  }
  return result;
}

const COMPUTE = ["cpu", "memory"];

/**
 * qos.GetPodQOS: BestEffort without any cpu/memory request or limit, Guaranteed when every
 * container limits both and requests equal the limits, Burstable otherwise.
 */
export function podQosClass(spec: PodSpec): "BestEffort" | "Burstable" | "Guaranteed" {
  const extra = spec as PodSpec & { initContainers?: Container[] };
  const containers = [...spec.containers, ...(extra.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = listOf(c.resources, "requests") ?? {};
    const limits = listOf(c.resources, "limits") ?? {};
    for (const name of COMPUTE) {
      const request = parseQuantity(requests[name]);
      const limit = parseQuantity(limits[name]);
      if ((request && request.milli !== 0) || (limit && limit.milli !== 0)) any = true;
      // Requests default to limits (SetDefaults_Pod), so a missing request equals the limit.
      if (!limit || (request && request.milli !== limit.milli)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
