// Every name the cluster generates (EndpointSlices, ReplicaSets and their pods, DaemonSet pods,
// Events, generateName objects) is a valid DNS-1123 name, whatever the seed and the history.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endpointSliceSuffix } from "../../../worker/sim/cluster/endpoints.ts";
import { NAME_ALPHABET } from "../../../worker/sim/cluster/ids.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUFFIX = new RegExp(`^[${NAME_ALPHABET}]{5}$`);

/** Every object name the session's API would list, with its kind. */
function allNames(state: SessionState): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const run = (command: string) => execute(state, command, { now: state.cluster.now }).output;
  for (const kind of ["pods", "replicasets", "endpointslices", "events", "daemonsets", "services", "deployments"]) {
    for (const line of run(`kubectl get ${kind} -A -o name`).split("\n")) if (line) out.push([kind, line.slice(line.indexOf("/") + 1)]);
  }
  return out;
}

const histories = [
  ["kubectl create deployment web --image=nginx --replicas=3", "kubectl expose deployment web --port=80"],
  ["kubectl run db --image=redis", "kubectl expose pod db --port=6379 --name=cache", "kubectl scale deployment coredns -n kube-system --replicas=3"],
  ["kubectl create deployment a --image=httpd", "kubectl set image deployment/a httpd=httpd:2.4", "kubectl expose deployment a --port=8080 --target-port=80 --type=NodePort"],
  ["kubectl create ns team", "kubectl create deployment b -n team --image=nginx --replicas=2", "kubectl expose deployment b -n team --port=80", "kubectl delete pod -n team -l app=b"],
];

describe("generated names", () => {
  it("an EndpointSlice's suffix is five characters of the name alphabet for any seed", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        expect(endpointSliceSuffix(seed)).toMatch(SUFFIX);
      }),
      { numRuns: 1000 },
    );
  });

  it("every object name is a DNS-1123 subdomain over seeds and histories", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...histories), (seed, history) => {
        let state = createSession({ seed, now: Date.UTC(2026, 0, 1) });
        let now = state.cluster.now;
        for (const command of [...history, "sleep 10"]) {
          now += 3000;
          state = execute(state, command, { now }).state;
        }
        for (const [kind, name] of allNames(state)) {
          expect(name, `${kind} ${name} (seed ${seed})`).toMatch(DNS1123_SUBDOMAIN);
          expect(name.length).toBeLessThanOrEqual(253);
          // A generated suffix is made of the name alphabet only ("undefined" would pass the pattern above).
          if (kind === "endpointslices" && name !== "kubernetes") expect(name.slice(name.lastIndexOf("-") + 1), name).toMatch(SUFFIX);
        }
      }),
      { numRuns: 40 },
    );
  });
});
