// A node's netfilter rule set as kube-proxy's running proxier left it: the iptables proxier's
// (kube-proxy-ruleset.ts) or the ipvs proxier's (ipvs-ruleset.ts), picked by the mode its process
// read as it started (ipvs.ts nodeProxier), as the router picks how to route.

import type { NetIndex } from "./index.ts";
import { nodeProxier } from "./ipvs.ts";
import { ipvsNetfilter } from "./ipvs-ruleset.ts";
import { nodeRuleset, type Ruleset } from "./kube-proxy-ruleset.ts";

export function nodeNetfilter(index: NetIndex, nodeName: string): Ruleset {
  return nodeProxier(index, nodeName).mode === "ipvs" ? ipvsNetfilter(index, nodeName).ruleset : nodeRuleset(index, nodeName);
}
