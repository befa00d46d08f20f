// Discovery as the API server serves it (apiserver pkg/endpoints/discovery): /api, /apis, the
// group/version resource lists and aggregated discovery (apidiscovery.k8s.io/v2), all generated
// from the kind registry, so a kind added there is discoverable by real kubectl without more code.

import type { ClusterState } from "../cluster/types.ts";
import { type KindDefinition, kindServed, kinds } from "../kinds/index.ts";
import { hasScale, SCALE_KIND, SCALE_VERBS } from "./scale.ts";
import { servedVerbs } from "../kinds/verbs.ts";

/** The address kubeadm's API server advertises (`--advertise-address`, port 6443). */
const SERVER_ADDRESS = "192.168.56.10:6443";

export interface GroupVersion {
  group: string;
  version: string;
  kinds: KindDefinition[];
}

/**
 * The served group/versions: the core group first, then the named groups in registry order (a
 * custom kind's only while its CRD is installed; every kind without a state, for a caller that
 * only looks at a path's shape).
 */
export function groupVersions(state: ClusterState | undefined): GroupVersion[] {
  const out: GroupVersion[] = [];
  for (const def of kinds) {
    if (state && !kindServed(state, def)) continue;
    let gv = out.find((g) => g.group === def.group && g.version === def.version);
    if (!gv) {
      gv = { group: def.group, version: def.version, kinds: [] };
      out.push(gv);
    }
    gv.kinds.push(def);
  }
  return out.sort((a, b) => (a.group === "" ? -1 : b.group === "" ? 1 : 0));
}

export function findGroupVersion(state: ClusterState | undefined, group: string, version: string): GroupVersion | undefined {
  return groupVersions(state).find((g) => g.group === group && g.version === version);
}

const groupVersionText = (gv: GroupVersion): string => (gv.group === "" ? gv.version : `${gv.group}/${gv.version}`);

/** GET /api: metav1.APIVersions. */
export function apiVersions(): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: SERVER_ADDRESS }] };
}

/** GET /apis: metav1.APIGroupList of the named groups. */
export function apiGroupList(state: ClusterState): unknown {
  // One entry per group, its versions in served order; the first is the preferred one.
  const groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion: { groupVersion: string; version: string } }> = [];
  for (const gv of groupVersions(state)) {
    if (gv.group === "") continue;
    const version = { groupVersion: groupVersionText(gv), version: gv.version };
    const group = groups.find((g) => g.name === gv.group);
    if (group) group.versions.push(version);
    else groups.push({ name: gv.group, versions: [version], preferredVersion: version });
  }
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** GET /api/v1, /apis/<group>/<version>: metav1.APIResourceList. */
export function apiResourceList(gv: GroupVersion): unknown {
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersionText(gv),
    // A subresource follows its resource, named `<plural>/<subresource>` (kubectl autoscale looks for `/scale`).
    resources: gv.kinds.flatMap((def) => [
      {
        name: def.plural,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: servedVerbs(def),
        ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
        ...(def.categories.length > 0 ? { categories: def.categories } : {}),
      },
      ...(hasScale(def) ? [{ name: `${def.plural}/scale`, singularName: "", namespaced: def.namespaced, ...SCALE_KIND, verbs: SCALE_VERBS }] : []),
    ]),
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): `/api` answers the core
 * group, `/apis` the named groups, each with every resource of every version in one document.
 */
export function aggregatedDiscovery(state: ClusterState, core: boolean): unknown {
  const items = groupVersions(state)
    .filter((gv) => (gv.group === "") === core)
    .map((gv) => ({
      metadata: core ? { creationTimestamp: null } : { name: gv.group, creationTimestamp: null },
      versions: [
        {
          version: gv.version,
          resources: gv.kinds.map((def) => ({
            resource: def.plural,
            responseKind: { group: def.group, version: def.version, kind: def.kind },
            scope: def.namespaced ? "Namespaced" : "Cluster",
            singularResource: def.singular,
            verbs: servedVerbs(def),
            ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
            ...(def.categories.length > 0 ? { categories: def.categories } : {}),
            ...(hasScale(def) ? { subresources: [{ subresource: "scale", responseKind: SCALE_KIND, verbs: SCALE_VERBS }] } : {}),
          })),
          freshness: "Current",
        },
      ],
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
