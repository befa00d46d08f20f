// What ingress-nginx's validating webhook answers (internal/admission/controller/main.go
// HandleAdmission and NGINXController.CheckIngress in internal/ingress/controller/controller.go at
// controller-v1.15.1). The checks run in CheckIngress's order and the first failure is the answer:
// - the deep inspector (--deep-inspect, on by default): hosts, paths and TLS secrets that match its
//   forbidden patterns (inspector/rules.go) — "invalid object: ...";
// - an Ingress of another class is ignored (allowed);
// - strict-validate-path-type (ConfigMap, true by default): Exact and Prefix paths only of
//   letters, digits and `._-/` — "ingress contains invalid paths: ...";
// - annotation-value-word-blocklist (ConfigMap, empty by default);
// - `*-snippet` annotations while allow-snippet-annotations is false (the default);
// - the annotation extractor (annotations.Extract), group by group: a group with an annotation
//   riskier than the ConfigMap's annotations-risk-level (High by default, so only the snippets) —
//   "annotation group ConfigurationSnippet contains risky annotation based on ingress configuration";
//   then the parsers that pass their validators' verdict on — "annotation
//   nginx.ingress.kubernetes.io/permanent-redirect-code contains invalid value" (the other parsers
//   log it and keep their default). Go walks the groups in random order; the playground takes them
//   sorted by name, so with two bad groups the answer is one real nginx could give;
// - checkOverlap: a host and path whose nginx location another Ingress of the class already owns,
//   in any namespace (both canary or both without the canary annotation).
// The test of the rendered nginx.conf (`nginx -t`) is off since CVE-2025-1974, so nothing else
// in the configuration is checked.

import type { Ingress } from "../kinds/ingress.ts";
import { servedByIngressNginx } from "./ingress-nginx-status.ts";
import type { ClusterState } from "./types.ts";
import { ANNOTATION_RISK, type AnnotationRisk } from "./ingress-nginx-annotation-risk.ts";

const PREFIX = "nginx.ingress.kubernetes.io";

// inspector/rules.go invalidRegex: (?s) lets `.` match newlines.
const INVALID = [/\s*alias\s*.*;/s, /\s*root\s*.*;/s, /\/etc\/(passwd|shadow|group|nginx|ingress-controller)/, /\/var\/run\/secrets/, /.*_by_lua.*/];
// inspector/rules.go validPathType: `(?i)^/[[:alnum:]._\-/]*$`.
const VALID_PATH = /^\/[A-Za-z0-9._\-/]*$/;

function checkRegex(value: string): string | undefined {
  return INVALID.some((re) => re.test(value)) ? `invalid value found: ${value}` : undefined;
}

/** inspector.InspectIngress. */
function deepInspect(ing: Ingress): string | undefined {
  const id = `${ing.metadata.namespace}/${ing.metadata.name}`;
  for (const rule of ing.spec.rules ?? []) {
    if (rule.host) {
      const err = checkRegex(rule.host);
      if (err) return `invalid host in ingress ${id}: ${err}`;
    }
    for (const path of rule.http?.paths ?? []) {
      const err = checkRegex(path.path ?? "");
      if (err) return `invalid rule in ingress ${id}: invalid http path: ${err}`;
    }
  }
  for (const tls of ing.spec.tls ?? []) {
    const secretErr = checkRegex(tls.secretName ?? "");
    if (secretErr) return `invalid secret in ingress ${id}: ${secretErr}`;
    for (const host of tls.hosts ?? []) {
      const err = checkRegex(host);
      if (err) return `invalid host in ingress tls config ${id}: ${err}`;
    }
  }
  return undefined;
}

/** inspector.ValidatePathType: every bad path, joined by errors.Join (one a line). */
function pathTypeErrors(ing: Ingress): string[] {
  const out: string[] = [];
  for (const rule of ing.spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (!path.path || path.pathType === "ImplementationSpecific") continue;
      if (!VALID_PATH.test(path.path)) out.push(`path ${path.path} cannot be used with pathType ${path.pathType ?? "<nil>"}`);
    }
  }
  return out;
}

/** parser.GetBoolAnnotation("canary"): true/false, or undefined when the annotation is missing (ErrMissingAnnotations). */
function canary(ing: Ingress): boolean | undefined {
  const value = ing.metadata.annotations?.[`${PREFIX}/canary`];
  if (value === undefined) return undefined;
  // strconv.ParseBool's spellings; anything else is an invalid value, neither missing nor true.
  return ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}

function byAge(a: Ingress, b: Ingress): number {
  return a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
}

/**
 * checkOverlap over the servers getConfiguration builds from the controller's Ingresses plus this
 * one: a location (host, path) belongs to the oldest Ingress that defines it with a Service backend
 * (a canary one only joins another's location).
 */
function overlap(state: ClusterState, ing: Ingress, annotationClass: string): string | undefined {
  const others = Object.values((state.objects?.ingresses ?? {}) as Record<string, Ingress>).filter(
    (o) => !(o.metadata.namespace === ing.metadata.namespace && o.metadata.name === ing.metadata.name) && servedByIngressNginx(state, o, annotationClass),
  );
  const all = [...others, ing].sort(byAge);
  const owners = new Map<string, Ingress>();
  for (const pass of [false, true]) {
    for (const o of all) {
      if ((canary(o) === true) !== pass) continue;
      for (const rule of o.spec.rules ?? []) {
        for (const path of rule.http?.paths ?? []) {
          if (!path.backend.service) continue;
          const key = `${rule.host || "_"}\n${path.path || "/"}`;
          if (!owners.has(key)) owners.set(key, o);
        }
      }
    }
  }
  const mine = canary(ing);
  for (const rule of ing.spec.rules ?? []) {
    const host = rule.host || "_";
    for (const path of rule.http?.paths ?? []) {
      if (!path.backend.service) continue;
      const p = path.path || "/";
      const existing = owners.get(`${host}\n${p}`);
      if (!existing || existing === ing) continue;
      const theirs = canary(existing);
      if ((mine === true && theirs === true) || (mine === undefined && theirs === undefined)) {
        return `host "${host}" and path "${p}" is already defined in ingress ${existing.metadata.namespace}/${existing.metadata.name}`;
      }
    }
  }
  return undefined;
}

// parser/validators.go's character classes.
const ALNUM = String.raw`\-._~a-zA-Z0-9/:`;
const URL_VALID = new RegExp(String.raw`^[${ALNUM},:?&=]*$`);
const IS_VALID_REGEX = new RegExp(String.raw`^[/${ALNUM}\^$\[\](){}*+?|&=\\]*$`);
const BOOL = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

type Validator = (value: string) => boolean;
const isBool: Validator = (v) => BOOL.has(v);
// strconv.Atoi: an optional sign and decimal digits, within int64.
const isInt: Validator = (v) => /^[+-]?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 63;
const regex = (re: RegExp, removeSpace: boolean): Validator => (v) => {
  const s = removeSpace ? v.replaceAll(" ", "") : v;
  return re.test(s) && !/\r|\n/.test(s);
};

/**
 * The parsers whose Parse returns the validation error (so Extract, and the webhook, refuse the
 * Ingress), each with its annotations in the order Parse reads them. An empty value is not validated.
 */
const STRICT_PARSERS: Record<string, (ann: (name: string) => string | undefined) => string | undefined> = {
  Aliases: (ann) => check(ann, "server-alias", (v) => v.split(",").every((name) => IS_VALID_REGEX.test(name.trim()))),
  CustomHTTPErrors: (ann) => check(ann, "custom-http-errors", regex(/^(?:[4,5]\d{2},?)*$/, true)),
  // ValidateServiceName: a DNS-1035 label.
  DefaultBackend: (ann) => check(ann, "default-backend", (v) => v.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v)),
  RateLimit: (ann) => check(ann, "limit-rpm", isInt) ?? check(ann, "limit-rps", isInt) ?? check(ann, "limit-connections", isInt),
  Redirect: (ann) =>
    check(ann, "from-to-www-redirect", isBool) ??
    check(ann, "relative-redirects", isBool) ??
    check(ann, "temporal-redirect", regex(URL_VALID, false)) ??
    // The code is read only when there is a temporal redirect.
    (ann("temporal-redirect") ? check(ann, "temporal-redirect-code", isInt) : undefined) ??
    check(ann, "permanent-redirect", regex(URL_VALID, false)) ??
    check(ann, "permanent-redirect-code", isInt),
  UpstreamHashBy: (ann) => check(ann, "upstream-hash-by", regex(/^[A-Za-z0-9\-_${}]*$/, true)) ?? check(ann, "upstream-hash-by-subset", isBool) ?? check(ann, "upstream-hash-by-subset-size", isInt),
};

function check(ann: (name: string) => string | undefined, name: string, valid: Validator): string | undefined {
  const value = ann(name);
  return value !== undefined && value !== "" && !valid(value) ? `annotation ${PREFIX}/${name} contains invalid value` : undefined;
}

const RISK_ORDER: Record<AnnotationRisk, number> = { Low: 0, Medium: 1, High: 2, Critical: 3 };

/** parser.StringRiskToRisk: case-insensitive, and anything unknown is Low. */
function riskLevel(text: string | undefined): number {
  const level = (text ?? "High").toLowerCase();
  return level === "critical" ? 3 : level === "high" ? 2 : level === "medium" ? 1 : 0;
}

/** annotations.Extract's refusals: a risky group, or a strict parser's invalid value. */
function extractError(ing: Ingress, config: Readonly<Record<string, string>>): string | undefined {
  const annotations = ing.metadata.annotations ?? {};
  const max = riskLevel(config["annotations-risk-level"]);
  const risky = new Set<string>();
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith(`${PREFIX}/`)) continue;
    const entry = ANNOTATION_RISK[key.slice(PREFIX.length + 1)];
    if (entry && RISK_ORDER[entry[1]] > max) risky.add(entry[0]);
  }
  const groups = new Set([...Object.values(ANNOTATION_RISK).map(([g]) => g)]);
  const ann = (name: string) => annotations[`${PREFIX}/${name}`];
  for (const group of [...groups].sort()) {
    if (risky.has(group)) return `annotation group ${group} contains risky annotation based on ingress configuration`;
    const invalid = STRICT_PARSERS[group]?.(ann);
    if (invalid) return invalid;
  }
  return undefined;
}

export interface IngressNginxSettings {
  /** --ingress-class: the class annotation value the controller takes. */
  ingressClass: string;
  /** The controller's ConfigMap (--configmap) data. */
  config: Readonly<Record<string, string>>;
}

/** The reason the webhook denies this Ingress, or undefined when it allows it. */
export function checkIngress(state: ClusterState, ing: Ingress, settings: IngressNginxSettings): string | undefined {
  if (ing.metadata.deletionTimestamp) return undefined;
  const inspected = deepInspect(ing);
  if (inspected) return `invalid object: ${inspected}`;
  if (!servedByIngressNginx(state, ing, settings.ingressClass)) return undefined;
  // The ConfigMap's booleans go through strconv.ParseBool; a bad value keeps the default.
  const bool = (key: string, fallback: boolean) => {
    const v = settings.config[key];
    if (v === undefined) return fallback;
    if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
    return fallback;
  };
  if (bool("strict-validate-path-type", true)) {
    const bad = pathTypeErrors(ing);
    if (bad.length) return `ingress contains invalid paths: ${bad.join("\n")}`;
  }
  const blocklist = (settings.config["annotation-value-word-blocklist"] ?? "").trim();
  const words = blocklist === "" ? [] : blocklist.split(",");
  const allowSnippets = bool("allow-snippet-annotations", false);
  // Go walks the annotation map in random order; the playground takes them sorted.
  const annotations = ing.metadata.annotations ?? {};
  for (const key of Object.keys(annotations).sort()) {
    if (key.startsWith(`${PREFIX}/`)) {
      for (const word of words) if (annotations[key].includes(word.trim())) return `${key} annotation contains invalid word ${word}`;
    }
    if (!allowSnippets && key.endsWith("-snippet")) return `${key} annotation cannot be used. Snippet directives are disabled by the Ingress administrator`;
  }
  const extracted = extractError(ing, settings.config);
  if (extracted) return extracted;
  return overlap(state, ing, settings.ingressClass);
}
