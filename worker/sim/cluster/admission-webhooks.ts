// The API server's ValidatingAdmissionWebhook plugin (k8s.io/apiserver pkg/admission/plugin/webhook):
// after a create or update passed the kind's validation, every webhook of every
// ValidatingWebhookConfiguration (by configuration name) whose rules, namespaceSelector and
// objectSelector match is called, and the first denial or failed call (with failurePolicy Fail)
// fails the request. Deleting the configuration stops the calls.
//
// A call goes where the real one goes: the ClusterIPServiceResolver turns clientConfig.service into
// the Service's ClusterIP and port, kube-proxy sends the connection to a ready endpoint (none:
// iptables REJECTs it, "connection refused"), the pod's process must listen there (a webhook
// server the playground runs: ingress-nginx's controller with --validating-webhook), and TLS must
// verify against clientConfig.caBundle. Errors read as apiserver's webhookutil.ErrCallingWebhook
// (InternalError) and webhookerrors.ToStatusErr (the webhook's own Status, at least 400).

import type { Ingress } from "../kinds/ingress.ts";
import type { KindDefinition } from "../kinds/types.ts";
import { type ApiStatus, internalError } from "./api-status.ts";
import { endpointSlicesFor } from "./endpoints.ts";
import { checkIngress } from "./ingress-nginx-admission.ts";
import { ingressNginxControllers } from "./ingress-nginx-status.ts";
import { matchesRequirements, requirementsOfLabelSelector } from "./label-selector.ts";
import { flagValue, serverArgs } from "./process.ts";
import type { ClusterState, KubeObject, LabelSelector } from "./types.ts";

export type AdmissionOperation = "CREATE" | "UPDATE";

interface Rule {
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

function ruleMatches(rule: Rule, def: KindDefinition, operation: AdmissionOperation): boolean {
  if (!has(rule.operations, operation) || !has(rule.apiGroups, def.group) || !has(rule.apiVersions, def.version) || !has(rule.resources, def.plural)) return false;
  const scope = rule.scope ?? "*";
  return scope === "*" || scope === (def.namespaced ? "Namespaced" : "Cluster");
}

function webhookMatches(state: ClusterState, hook: Webhook, def: KindDefinition, operation: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!(hook.rules ?? []).some((r) => ruleMatches(r, def, operation))) return false;
  // namespaceSelector applies to namespaced objects (and Namespaces themselves); objectSelector to the new or the old object.
  if (def.namespaced) {
    const ns = state.namespaces[obj.metadata.namespace ?? ""];
    if (!matchesRequirements(ns?.metadata.labels, requirementsOfLabelSelector(hook.namespaceSelector))) return false;
  }
  const objectSelector = requirementsOfLabelSelector(hook.objectSelector);
  return matchesRequirements(obj.metadata.labels, objectSelector) || (old !== undefined && matchesRequirements(old.metadata.labels, objectSelector));
}

/** The URL the webhook client posts to: https://<service>.<namespace>.svc:<port><path>?timeout=<n>s. */
function hookUrl(hook: Webhook): string {
  const service = hook.clientConfig?.service;
  const timeout = `?timeout=${hook.timeoutSeconds ?? 10}s`;
  if (!service) return `${hook.clientConfig?.url ?? ""}${timeout}`;
  return `https://${service.name}.${service.namespace}.svc:${service.port ?? 443}${service.path ?? ""}${timeout}`;
}

type CallResult = { ok: true; denied?: string } | { ok: false; error: string };

/** The base64 PEM the controller's certificate chains to: its webhook-cert Secret's `ca`. */
function servingCa(state: ClusterState, pod: { metadata: { namespace?: string }; spec: { volumes?: Array<{ name: string; secret?: { secretName?: string } }> } }, certPath: string, mounts: ReadonlyArray<{ name: string; mountPath: string }>): string | undefined {
  const mount = mounts.find((m) => certPath.startsWith(m.mountPath.endsWith("/") ? m.mountPath : `${m.mountPath}/`));
  const secretName = pod.spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
  if (!secretName) return undefined;
  const secret = state.objects?.secrets?.[`${pod.metadata.namespace}/${secretName}`] as { data?: Record<string, string> } | undefined;
  return secret?.data?.ca;
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
      const controller = ingressNginxControllers(state).find((c) => c.key === podKey);
      if (!controller) return refused;
      const container = controller.pod.spec.containers.find((c) => c.name === controller.container)!;
      const args = serverArgs(container);
      const listen = flagValue(args, "validating-webhook");
      if (!listen || Number(listen.slice(listen.lastIndexOf(":") + 1)) !== endpointPort) return refused;
      const ca = servingCa(state, controller.pod, flagValue(args, "validating-webhook-certificate") ?? "", container.volumeMounts ?? []);
      if (!ca || hook.clientConfig?.caBundle !== ca) {
        // Go's x509 names a pool certificate with the issuer's subject that failed the signature check.
        const hint = hook.clientConfig?.caBundle ? ` (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "nil1")` : "";
        return { ok: false, error: `Post "${hookUrl(hook)}": tls: failed to verify certificate: x509: certificate signed by unknown authority${hint}` };
      }
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
        return { code: 400, reason: "BadRequest", message: `admission webhook "${hook.name}" denied the request: ${result.denied}` };
      }
    }
  }
  return undefined;
}
