// The service account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has a ServiceAccount `default`, created when the namespace appears and
// again when someone deletes it.
import { createRandom } from "../random.ts";
import { createObject } from "./api-server.ts";
import { fnv32a, newUid } from "./ids.ts";
import type { Tx } from "./tx.ts";

export function serviceAccountController(tx: Tx, ctx: { now: number }): void {
  for (const ns of Object.values(tx.state.namespaces)) {
    if (ns.status.phase !== "Active") continue;
    const namespace = ns.metadata.name;
    if (tx.state.objects?.serviceaccounts?.[`${namespace}/default`]) continue;
    // The uid comes from the namespace's, so the account takes nothing from the session's random stream.
    const random = createRandom(fnv32a(`${ns.metadata.uid}/serviceaccount/default`));
    createObject(tx, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } }, { now: ctx.now, random }, newUid(random));
  }
}
