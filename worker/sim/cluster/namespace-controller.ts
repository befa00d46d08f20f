// The namespace controller: a Terminating namespace's objects are deleted (its pods gracefully),
// then the namespace itself.
import { deletePodGracefully } from "./api-server.ts";
import { nextResourceVersion, removeAt, removeObject } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { ControllerContext } from "./controller-context.ts";

export function namespaceController(tx: Tx, ctx: ControllerContext): void {
  for (const [name, ns] of Object.entries(tx.state.namespaces)) {
    if (ns.status.phase !== "Terminating") continue;
    const prefix = `${name}/`;
    for (const c of ["deployments", "replicaSets", "daemonSets", "services"] as const) {
      for (const key of Object.keys(tx.state[c] ?? {})) {
        if (key.startsWith(prefix)) {
          nextResourceVersion(tx);
          removeObject(tx, c, key);
        }
      }
    }
    // The generic store's kinds (ConfigMaps, Secrets, ...) go at once too.
    for (const resource of Object.keys(tx.state.objects ?? {})) {
      for (const key of Object.keys(tx.state.objects![resource])) {
        if (key.startsWith(prefix)) {
          nextResourceVersion(tx);
          removeAt(tx, { resource }, key);
        }
      }
    }
    let left = 0;
    for (const [key, pod] of Object.entries(tx.state.pods)) {
      if (!key.startsWith(prefix)) continue;
      left++;
      deletePodGracefully(tx, key, pod, ctx);
    }
    if (left === 0) {
      nextResourceVersion(tx);
      removeObject(tx, "namespaces", name);
    }
  }
}
