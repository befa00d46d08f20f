// The API server's ValidatingAdmissionWebhook plugin (k8s.io/apiserver pkg/admission/plugin/webhook):
// after a create or update passed the kind's validation, every webhook of every
// ValidatingWebhookConfiguration (by configuration name) whose rules, namespaceSelector and
// objectSelector match is called, and the first denial or failed call (with failurePolicy Fail)
// fails the request. Deleting the configuration stops the calls.
//
// A call goes where the real one goes: the ClusterIPServiceResolver turns clientConfig.service into
// the Service's ClusterIP and port, kube-proxy sends the connection to a ready endpoint (none:
// iptables REJECTs it, "connection refused"), the pod's process must listen there (a webhook
// server the playground runs: ingress-nginx's controller with --validating-webhook, MetalLB's controller), and its
// certificate must verify against clientConfig.caBundle for the name <service>.<namespace>.svc. Errors read as apiserver's webhookutil.ErrCallingWebhook
// (InternalError) and webhookerrors.ToStatusErr (the webhook's own Status, at least 400).

import { decodeBase64Bytes, utf8Text } from "../base64.ts";
import type { Ingress } from "../kinds/ingress.ts";
import { certificatesIn, sameName, signedBy } from "../tls/x509.ts";
import type { KindDefinition } from "../kinds/types.ts";
import { type ApiStatus, internalError } from "./api-status.ts";
import { endpointSlicesFor } from "./endpoints.ts";
import { checkIngress } from "./ingress-nginx-admission.ts";
import { ingressNginxControllers } from "./ingress-nginx-status.ts";
import { METALLB_CERT_DIR, METALLB_WEBHOOK_PORT, manifestController, metallbWebhookVerdict } from "./metallb-webhook.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "./label-selector.ts";
import { flagValue, serverArgs } from "./process.ts";
import type { ClusterState, KubeObject, LabelSelector } from "./types.ts";

export type AdmissionOperation = "CREATE" | "UPDATE";

export interface Rule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  scope?: string;
}

interface Webhook {
  name: string;
  clientConfig?: { url?: string; caBundle?: string; service?: { name: string; namespace: string; path?: string; port?: number } };
  rules?: Rule[];
  failurePolicy?: "Fail" | "Ignore";
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  timeoutSeconds?: number;
}

interface Configuration {
  metadata: { name: string };
  webhooks?: Webhook[];
}

const has = (list: readonly string[] | undefined, value: string) => (list ?? []).some((v) => v === "*" || v === value);

export function ruleMatches(rule: Rule, def: KindDefinition, operation: AdmissionOperation): boolean {
  if (!has(rule.operations, operation) || !has(rule.apiGroups, def.group) || !has(rule.apiVersions, def.version) || !has(rule.resources, def.plural)) return false;
  const scope = rule.scope ?? "*";
  return scope === "*" || scope === (def.namespaced ? "Namespaced" : "Cluster");
}

function webhookMatches(state: ClusterState, hook: Webhook, def: KindDefinition, operation: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!(hook.rules ?? []).some((r) => ruleMatches(r, def, operation))) return false;
  return selectorsMatch(state, def, hook.namespaceSelector, hook.objectSelector, obj, old);
}

/** namespaceSelector applies to namespaced objects (and Namespaces themselves); objectSelector to the new or the old object. */
export function selectorsMatch(state: ClusterState, def: KindDefinition, namespaceSelector: LabelSelector | undefined, objectSelector: LabelSelector | undefined, obj: KubeObject, old: KubeObject | undefined): boolean {
  if (def.namespaced) {
    const ns = state.namespaces[obj.metadata.namespace ?? ""];
    if (!matchesRequirements(ns?.metadata.labels, requirementsOfLabelSelector(namespaceSelector))) return false;
  }
  const requirements = requirementsOfLabelSelector(objectSelector);
  return matchesRequirements(obj.metadata.labels, requirements) || (old !== undefined && matchesRequirements(old.metadata.labels, requirements));
}

/** The URL the webhook client posts to: https://<service>.<namespace>.svc:<port><path>?timeout=<n>s. */
function hookUrl(hook: Webhook): string {
  const service = hook.clientConfig?.service;
  const timeout = `?timeout=${hook.timeoutSeconds ?? 10}s`;
  if (!service) return `${hook.clientConfig?.url ?? ""}${timeout}`;
  return `https://${service.name}.${service.namespace}.svc:${service.port ?? 443}${service.path ?? ""}${timeout}`;
}

// A denial carries the code of the webhook's Status: ingress-nginx answers 400, controller-runtime's
// admission.Denied 403 (ValidationResponse).
type CallResult = { ok: true; denied?: string; code?: 400 | 403 } | { ok: false; error: string };

/** The base64 PEM certificate the controller serves: the key of its webhook-cert Secret that the file is. */
function servingCertificate(state: ClusterState, pod: { metadata: { namespace?: string }; spec: { volumes?: Array<{ name: string; secret?: { secretName?: string } }> } }, certPath: string, mounts: ReadonlyArray<{ name: string; mountPath: string }>): string | undefined {
  const mount = mounts.find((m) => certPath.startsWith(m.mountPath.endsWith("/") ? m.mountPath : `${m.mountPath}/`));
  const secretName = pod.spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
  if (!secretName) return undefined;
  const secret = state.objects?.secrets?.[`${pod.metadata.namespace}/${secretName}`] as { data?: Record<string, string> } | undefined;
  // The file is the Secret's key of that name (ingress-nginx's `cert`, MetalLB's `tls.crt`).
  return secret?.data?.[certPath.slice(certPath.lastIndexOf("/") + 1)];
}

const pemOf = (base64: string | undefined): string => {
  const decoded = decodeBase64Bytes(base64 ?? "");
  return decoded.ok ? utf8Text(decoded.bytes) : "";
};

// An ECDSA verification takes tens of milliseconds and every Ingress write repeats the same one:
// its (pure) answer is kept per certificate, bundle and name.
const verified = new Map<string, string | undefined>();

function verifyServer(served: string | undefined, caBundle: string | undefined, host: string): string | undefined {
  const key = `${served}\n${caBundle}\n${host}`;
  if (verified.has(key)) return verified.get(key);
  if (verified.size >= 64) verified.clear();
  const result = verifyServerUncached(served, caBundle, host);
  verified.set(key, result);
  return result;
}

/** crypto/tls's verification of the serving certificate against the caBundle, for the Service's DNS name (Go's words). */
function verifyServerUncached(served: string | undefined, caBundle: string | undefined, host: string): string | undefined {
  const [leaf] = certificatesIn(pemOf(served));
  const pool = certificatesIn(pemOf(caBundle));
  if (!leaf) return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  if (!leaf.altNames.some((n) => n.kind === "DNS" && n.value.toLowerCase() === host)) {
    const names = leaf.altNames.filter((n) => n.kind === "DNS").map((n) => n.value);
    return names.length ? `tls: failed to verify certificate: x509: certificate is valid for ${names.join(", ")}, not ${host}` : `tls: failed to verify certificate: x509: certificate is not valid for any names, but wanted to match ${host}`;
  }
  if (pool.some((ca) => signedBy(leaf, ca))) return undefined;
  // UnknownAuthorityError names a pool certificate with the issuer's name whose signature check failed.
  const candidate = pool.find((ca) => sameName(ca.subject, leaf.issuer));
  const name = candidate ? (candidate.subject.find(([t]) => t === "CN")?.[1] ?? candidate.subject.find(([t]) => t === "O")?.[1]) : undefined;
  const hint = candidate && candidate.curve && name !== undefined ? ` (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "${name}")` : "";
  return `tls: failed to verify certificate: x509: certificate signed by unknown authority${hint}`;
}

/** One call: resolve, connect, verify TLS, and ask the server. */
function callWebhook(state: ClusterState, hook: Webhook, obj: KubeObject): CallResult {
  const ref = hook.clientConfig?.service;
  // URL webhooks point outside the cluster, where the playground has no network: the connection times out.
  if (!ref) return { ok: false, error: `Post "${hookUrl(hook)}": context deadline exceeded` };
  const port = ref.port ?? 443;
  const service = state.services[`${ref.namespace}/${ref.name}`];
  if (!service) return { ok: false, error: `Post "${hookUrl(hook)}": service "${ref.name}" not found` };
  const servicePort = service.spec.ports?.find((p) => p.port === port);
  if (!servicePort) return { ok: false, error: `Post "${hookUrl(hook)}": no service port ${port} found for service "${ref.name}"` };
  const refused = { ok: false as const, error: `Post "${hookUrl(hook)}": dial tcp ${service.spec.clusterIP}:${port}: connect: connection refused` };
  // kube-proxy picks among the ready endpoints of the port; the playground takes the first.
  for (const slice of endpointSlicesFor(state, service)) {
    const endpointPort = slice.ports.find((p) => p.name === (servicePort.name ?? ""))?.port;
    if (endpointPort === undefined) continue;
    for (const ep of slice.endpoints) {
      if (!ep.conditions.ready || !ep.targetRef) continue;
      const podKey = `${ep.targetRef.namespace}/${ep.targetRef.name}`;
      const metallbPod = state.pods[podKey];
      const metallb = metallbPod ? manifestController(metallbPod) : undefined;
      if (metallbPod && metallb) {
        if (endpointPort !== METALLB_WEBHOOK_PORT) return refused;
        const served = servingCertificate(state, metallbPod, `${METALLB_CERT_DIR}/tls.crt`, metallb.volumeMounts ?? []);
        const tlsError = verifyServer(served, hook.clientConfig?.caBundle, `${ref.name}.${ref.namespace}.svc`);
        if (tlsError) return { ok: false, error: `Post "${hookUrl(hook)}": ${tlsError}` };
        const denied = metallbWebhookVerdict(metallbPod, obj);
        return denied === undefined ? { ok: true } : { ok: true, denied, code: 403 };
      }
      const controller = ingressNginxControllers(state).find((c) => c.key === podKey);
      if (!controller) return refused;
      const container = controller.pod.spec.containers.find((c) => c.name === controller.container)!;
      const args = serverArgs(container);
      const listen = flagValue(args, "validating-webhook");
      if (!listen || Number(listen.slice(listen.lastIndexOf(":") + 1)) !== endpointPort) return refused;
      const served = servingCertificate(state, controller.pod, flagValue(args, "validating-webhook-certificate") ?? "", container.volumeMounts ?? []);
      const tlsError = verifyServer(served, hook.clientConfig?.caBundle, `${ref.name}.${ref.namespace}.svc`);
      if (tlsError) return { ok: false, error: `Post "${hookUrl(hook)}": ${tlsError}` };
      const configRef = (flagValue(args, "configmap") ?? "").replace("$(POD_NAMESPACE)", controller.pod.metadata.namespace ?? "");
      const config = (state.objects?.configmaps?.[configRef] as { data?: Record<string, string> } | undefined)?.data ?? {};
      // HandleAdmission refuses any other kind with an error, which ServeHTTP answers with a bare 500.
      if (obj.kind !== "Ingress") return { ok: false, error: `an error on the server ("") has prevented the request from succeeding` };
      const denied = checkIngress(state, obj as unknown as Ingress, { ingressClass: controller.ingressClass, config });
      return denied === undefined ? { ok: true } : { ok: true, denied };
    }
  }
  return refused;
}

/** The status that fails the request, or undefined when every matching webhook allows it. */
export function validatingAdmission(state: ClusterState, def: KindDefinition, operation: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): ApiStatus | undefined {
  const configs = state.objects?.validatingwebhookconfigurations as Record<string, Configuration> | undefined;
  if (!configs) return undefined;
  for (const name of Object.keys(configs).sort()) {
    for (const hook of configs[name].webhooks ?? []) {
      if (!webhookMatches(state, hook, def, operation, obj, old)) continue;
      const result = callWebhook(state, hook, obj);
      if (!result.ok) {
        if (hook.failurePolicy === "Ignore") continue;
        return internalError(`failed calling webhook "${hook.name}": failed to call webhook: ${result.error}`);
      }
      if (result.denied !== undefined) {
        const message = `admission webhook "${hook.name}" denied the request: ${result.denied}`;
        return result.code === 403 ? { code: 403, reason: "Forbidden", message } : { code: 400, reason: "BadRequest", message };
      }
    }
  }
  return undefined;
}
