// What every kubectl command gets: the program context, the namespace the command runs in, the
// resolved command path (for error hints) and helpers to write output.

import type { ProgramContext } from "../shell/types.ts";

export interface Kubectl {
  ctx: ProgramContext;
  /** The namespace from -n/--namespace, else "default" (the kubeconfig context's). */
  namespace: string;
  /** True when -n/--namespace was given. */
  namespaceExplicit: boolean;
  /** `kubectl get`, `kubectl create deployment`: what the error hints name. */
  path: string;
  out(text: string): void;
  err(text: string): void;
}

/** Writes an error and returns kubectl's exit code for it. */
export function fail(k: Kubectl, text: string): number {
  k.err(text.endsWith("\n") ? text : `${text}\n`);
  return 1;
}
