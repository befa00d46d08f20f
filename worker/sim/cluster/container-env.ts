// The environment the kubelet gives a container (kubelet_pods.go makeEnvironmentVariables):
// envFrom's ConfigMaps and Secrets first (each key, with the source's prefix), then env in
// declared order, a literal `value` or a `valueFrom` read from a ConfigMap, a Secret or the pod's
// own fields, later names replacing earlier ones. A missing object or key that is not optional is
// the error the kubelet turns into CreateContainerConfigError, with the kubelet's own text.
// (The Service variables, `<NAME>_SERVICE_HOST` ..., come from service-env.ts.)
import { secretValue, type Secret } from "../kinds/secret.ts";
import type { ConfigMap } from "../kinds/config-map.ts";
import { fieldValue } from "./downward-api.ts";
import type { ClusterState, Container, Pod } from "./types.ts";

export type EnvResolution = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Whether the container's environment needs more than its literal values. */
export function hasEnvReferences(container: Container): boolean {
  return (container.envFrom?.length ?? 0) > 0 || (container.env?.some((e) => e.valueFrom !== undefined) ?? false);
}

function configMapOf(state: ClusterState, namespace: string, name: string): ConfigMap | undefined {
  return state.objects?.configmaps?.[`${namespace}/${name}`] as ConfigMap | undefined;
}

function secretOf(state: ClusterState, namespace: string, name: string): Secret | undefined {
  return state.objects?.secrets?.[`${namespace}/${name}`] as Secret | undefined;
}

// The kubelet reads a ConfigMap's `data` only (binaryData is for volumes); own keys only, so a
// key named like an Object method is not found by accident.
function configMapValue(cm: ConfigMap, key: string): string | undefined {
  return cm.data && Object.hasOwn(cm.data, key) ? cm.data[key] : undefined;
}

function secretKeyValue(secret: Secret, key: string): string | undefined {
  return secret.data && Object.hasOwn(secret.data, key) ? secretValue(secret, key) : undefined;
}

/** The kubelet's resolution of a container's environment from the cluster as it is now. */
export function resolveEnvironment(state: ClusterState, pod: Pod, container: Container): EnvResolution {
  const namespace = pod.metadata.namespace ?? "default";
  const env: Record<string, string> = {};
  // A name set again moves to the end: `env` lists the variables in the order they were set.
  const set = (name: string, value: string) => {
    delete env[name];
    env[name] = value;
  };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = configMapOf(state, namespace, from.configMapRef.name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return { ok: false, message: `configmap "${from.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) set(prefix + k, v);
    } else if (from.secretRef) {
      const secret = secretOf(state, namespace, from.secretRef.name);
      if (!secret) {
        if (from.secretRef.optional) continue;
        return { ok: false, message: `secret "${from.secretRef.name}" not found` };
      }
      for (const k of Object.keys(secret.data ?? {})) set(prefix + k, secretValue(secret, k) ?? "");
    }
  }
  for (const e of container.env ?? []) {
    const source = e.valueFrom;
    if (e.value !== undefined && e.value !== "") {
      set(e.name, e.value);
    } else if (source?.configMapKeyRef) {
      const { name, key, optional } = source.configMapKeyRef;
      const cm = configMapOf(state, namespace, name);
      if (!cm) {
        if (optional) continue;
        return { ok: false, message: `configmap "${name}" not found` };
      }
      const value = configMapValue(cm, key);
      if (value === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in ConfigMap ${namespace}/${name}` };
      }
      set(e.name, value);
    } else if (source?.secretKeyRef) {
      const { name, key, optional } = source.secretKeyRef;
      const secret = secretOf(state, namespace, name);
      if (!secret) {
        if (optional) continue;
        return { ok: false, message: `secret "${name}" not found` };
      }
      const value = secretKeyValue(secret, key);
      if (value === undefined) {
        if (optional) continue;
        return { ok: false, message: `couldn't find key ${key} in Secret ${namespace}/${name}` };
      }
      set(e.name, value);
    } else if (source?.fieldRef) {
      set(e.name, fieldValue(pod, source.fieldRef.fieldPath));
    } else {
      set(e.name, "");
    }
  }
  return { ok: true, env };
}

/** The literal values of a container's env, for containers that reference nothing else. */
export function literalEnvironment(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    delete env[e.name];
    env[e.name] = e.value ?? "";
  }
  return env;
}

/**
 * The environment a container's process has: what the kubelet resolved when the current run
 * started (a Secret changed or deleted since does not change it, as in a real container), or,
 * before any run, what it would resolve now (an unresolvable reference leaves the variable out).
 * The one function every reader of a container's environment goes through: the shell's `env`,
 * the database entrypoints, their start-up log and their clients' accounts.
 */
export function containerEnvironment(state: ClusterState, podKey: string, containerName: string): Record<string, string> {
  const pod = state.pods[podKey];
  const container = pod?.spec.containers.find((c) => c.name === containerName);
  if (!pod || !container) return {};
  if (!hasEnvReferences(container)) return literalEnvironment(container);
  const recorded = state.podRuntime[podKey]?.containers?.find((c) => c.name === containerName)?.env;
  if (recorded) return recorded;
  const resolved = resolveEnvironment(state, pod, container);
  return resolved.ok ? resolved.env : literalEnvironment(container);
}
