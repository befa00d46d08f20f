// NetworkPolicies: stored through the generic registry with the v1 defaults, validated with the
// API server's messages, printed (NAME POD-SELECTOR AGE) and described as kubectl does.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

// The example of the kubernetes.io NetworkPolicy page, with an endPort added to its egress rule.
const EXAMPLE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
      endPort: 6000`;

describe("NetworkPolicies", () => {
  it("are created, listed with their pod selector and described as describe.go prints them", () => {
    const run = simTerminal(21);
    expect(run(manifest(EXAMPLE))).toEqual({ output: "networkpolicy.networking.k8s.io/test-network-policy created\n", exitCode: 0 });
    expect(run(manifest("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}"))).toEqual({
      output: "networkpolicy.networking.k8s.io/default-deny created\n",
      exitCode: 0,
    });
    expect(run("kubectl get netpol").output).toMatch(/^NAME +POD-SELECTOR +AGE\ndefault-deny +<none> +\d+s\ntest-network-policy +role=db +\d+s\n$/);
    expect(run("kubectl get networkpolicies -o wide -A").output).toMatch(/^NAMESPACE +NAME +POD-SELECTOR +AGE\ndefault +default-deny +<none> +\d+s\n/);
    expect(run("kubectl describe netpol test-network-policy").output).toBe(
      [
        "Name:         test-network-policy",
        "Namespace:    default",
        "Created on:   2026-01-01 00:00:03 +0000 UTC",
        "Labels:       <none>",
        "Annotations:  <none>",
        "Spec:",
        "  PodSelector:     role=db",
        "  Allowing ingress traffic:",
        "    To Port: 6379/TCP",
        "    From:",
        "      IPBlock:",
        "        CIDR: 172.17.0.0/16",
        "        Except: 172.17.1.0/24",
        "    From:",
        "      NamespaceSelector: project=myproject",
        "    From:",
        "      PodSelector: role=frontend",
        "  Allowing egress traffic:",
        "    To Port Range: 5978-6000/TCP",
        "    To:",
        "      IPBlock:",
        "        CIDR: 10.0.0.0/24",
        "        Except: ",
        "  Policy Types: Ingress, Egress",
        "",
      ].join("\n"),
    );
    expect(run("kubectl describe netpol default-deny").output).toBe(
      [
        "Name:         default-deny",
        "Namespace:    default",
        "Created on:   2026-01-01 00:00:06 +0000 UTC",
        "Labels:       <none>",
        "Annotations:  <none>",
        "Spec:",
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)",
        "  Allowing ingress traffic:",
        "    <none> (Selected pods are isolated for ingress connectivity)",
        "  Not affecting egress traffic",
        "  Policy Types: Ingress",
        "",
      ].join("\n"),
    );
  });

  it("default policyTypes and port protocols as the v1 defaulting does", () => {
    const run = simTerminal(22);
    run(manifest("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: out\nspec:\n  podSelector: {}\n  egress:\n  - ports:\n    - port: 53\n  ingress:\n  - {}"));
    expect(run("kubectl get netpol out -o jsonpath='{.spec.policyTypes} {.spec.egress[0].ports[0].protocol} {.metadata.generation}'").output).toBe('["Ingress","Egress"] TCP 1');
    const described = run("kubectl describe netpol out").output;
    expect(described).toContain("  Allowing ingress traffic:\n    To Port: <any> (traffic allowed to all ports)\n    From: <any> (traffic not restricted by source)\n");
    expect(described).toContain("  Allowing egress traffic:\n    To Port: 53/TCP\n    To: <any> (traffic not restricted by destination)\n");
    run(manifest("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: egress-only\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]"));
    expect(run("kubectl describe netpol egress-only").output).toContain(
      "  PodSelector:     app=web\n  Not affecting ingress traffic\n  Allowing egress traffic:\n    <none> (Selected pods are isolated for egress connectivity)\n  Policy Types: Egress\n",
    );
  });

  it("refuses what ValidateNetworkPolicy refuses, every cause in its order", () => {
    const run = simTerminal(23);
    const bad = run(
      manifest(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector:
    matchExpressions:
    - key: app
      operator: In
  policyTypes: [Ingress, Sideways]
  ingress:
  - from:
    - {}
    - ipBlock: {cidr: 10.0.0.0/33}
      podSelector: {}
    ports:
    - port: 0
    - port: http
      endPort: 90
    - port: 100
      endPort: 99
    - protocol: ICMP
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24, 10.0.0.0/16]}`),
    );
    expect(bad).toEqual({
      exitCode: 1,
      output: [
        'The NetworkPolicy "bad" is invalid: ',
        "* spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "* spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "* spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
        "* spec.ingress[0].ports[2].endPort: Invalid value: 99: must be greater than or equal to `port`",
        '* spec.ingress[0].ports[3].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        "* spec.ingress[0].from[0]: Required value: must specify a peer",
        '* spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        "* spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
        '* spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
        '* spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
        '* spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
        "",
      ].join("\n"),
    });
    const named = run(manifest("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: named\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: '8080'\n  - from:\n    - ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}"));
    expect(named.output).toBe(
      'The NetworkPolicy "named" is invalid: spec.ingress[0].ports[0].port: Invalid value: "8080": must contain at least one letter (a-z)\n',
    );
  });

  it("label and delete through the generic verbs", () => {
    const run = simTerminal(24);
    run(manifest("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}"));
    expect(run("kubectl label netpol deny team=a").output).toBe("networkpolicy.networking.k8s.io/deny labeled\n");
    expect(run("kubectl get netpol -l team=a -o name").output).toBe("networkpolicy.networking.k8s.io/deny\n");
    expect(run("kubectl delete networkpolicy deny").output).toBe('networkpolicy.networking.k8s.io "deny" deleted from default namespace\n');
    expect(run("kubectl get netpol").output).toBe("No resources found in default namespace.\n");
  });
});
