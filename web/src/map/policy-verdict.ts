// Which NetworkPolicy decided at a hop of a route (Calico clusters), in one line beside the hop's
// note: the policies, the direction, and the rule that allowed the packet or that none did.
import { h } from "preact";
import type { RouteTrace } from "../../../worker/sim/net/trace.ts";

export type HopPolicy = NonNullable<RouteTrace["hops"][number]["policy"]>;

export function PolicyVerdict({ policy }: { policy: HopPolicy }) {
  const outcome = policy.verdict === "dropped" ? "dropped: no rule allows it" : policy.rule ? `allowed by rule ${policy.rule}` : "allowed";
  return h("p", { class: "hop-policy " + policy.verdict }, h("strong", null, `NetworkPolicy, ${policy.direction}:`), ` ${policy.names.join(", ")} · ${outcome}`);
}
