// The kubelet's expansion of `$(VAR)` references in a container's command and args, from its env
// (a downward-API fieldRef included): what the process's command line really holds.
import type { Container, Pod } from "./types.ts";

/** The kubelet expands `$(VAR)` in command and args from the container's env (a fieldRef included). */
export function expandKubeletVariables(word: string, pod: Pod, c: Container): string {
  return word.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => {
    const env = c.env?.find((e) => e.name === name);
    if (!env) return all;
    if (env.value !== undefined) return env.value;
    const path = env.valueFrom?.fieldRef?.fieldPath;
    if (path === "spec.nodeName") return pod.spec.nodeName ?? "";
    if (path === "metadata.name") return pod.metadata.name;
    if (path === "metadata.namespace") return pod.metadata.namespace ?? "";
    return all;
  });
}
