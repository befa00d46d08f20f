// What a cluster is built with, chosen when it is created (as one picks a CNI and add-ons when
// setting up kubeadm): the network plugin, the bare-metal load balancer and the ingress
// controller. Sessions, lessons, the embed and `npm run sim` ask for one; snapshots and forks keep
// their cluster's, because it lives in the cluster's config.
import * as v from "valibot";

export interface ClusterProfile {
  /**
   * The network plugin. flannel (kubeadm tutorials' default) stores NetworkPolicies and enforces
   * none; calico enforces them.
   */
  cni: "flannel" | "calico";
  /** MetalLB in layer-2 mode gives LoadBalancer Services addresses; with none they stay `<pending>`. */
  loadBalancer: "metallb" | "none";
  /** ingress-nginx installed from the start (its bare-metal manifest), or not. */
  ingress: "none" | "nginx";
}

export const DEFAULT_PROFILE: Readonly<ClusterProfile> = Object.freeze({ cni: "flannel", loadBalancer: "metallb", ingress: "none" });

/** What a request, a lesson or the embed may ask for: any subset, the rest defaulted. */
export const ClusterProfileInput = v.strictObject({
  cni: v.optional(v.picklist(["flannel", "calico"], "cni must be flannel or calico")),
  loadBalancer: v.optional(v.picklist(["metallb", "none"], "loadBalancer must be metallb or none")),
  ingress: v.optional(v.picklist(["none", "nginx"], "ingress must be none or nginx")),
});

export type ClusterProfileRequest = v.InferOutput<typeof ClusterProfileInput>;

export function resolveProfile(request: ClusterProfileRequest | undefined): ClusterProfile {
  return { ...DEFAULT_PROFILE, ...request };
}

/** The cluster's profile; clusters saved before profiles existed were built with the default. */
export function profileOf(state: { config: { profile?: ClusterProfile } }): ClusterProfile {
  return state.config.profile ?? DEFAULT_PROFILE;
}
