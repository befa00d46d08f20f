// Controllers and the kubelet, run after every write and as the clock moves (placeholder).
import type { Random } from "../random.ts";
import type { Tx } from "./tx.ts";

export function reconcile(tx: Tx, now: number, _random: Random): void {
  tx.setNow(now);
}
