// ValidatingAdmissionPolicies as the API server applies them: the Gateway API's safe-upgrades policy
// (standard-install.yaml from v1.5.0 on) refuses an older bundle's CRDs until it is deleted, and a
// policy of one's own refuses what its expressions reject, with kubectl's rendering of the status.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const RELEASE = "https://github.com/kubernetes-sigs/gateway-api/releases/download";

describe("ValidatingAdmissionPolicy admission", () => {
  it("safe-upgrades refuses v1.4.1's CRDs over v1.5.1's until the policy is deleted", () => {
    const run = simTerminal(3);
    expect(run(`kubectl apply -f ${RELEASE}/v1.5.1/standard-install.yaml`).exitCode).toBe(0);
    const downgrade = run(`kubectl apply -f ${RELEASE}/v1.4.1/standard-install.yaml`);
    expect(downgrade.exitCode).toBe(1);
    const lines = downgrade.output.trim().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      "The customresourcedefinitions \"backendtlspolicies.gateway.networking.k8s.io\" is invalid: ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing CRDs with version before v1.5.0 is prohibited by default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install older versions.",
    );
    expect(run("kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'").output).toBe("v1.5.1");
    run("kubectl delete validatingadmissionpolicy safe-upgrades.gateway.networking.k8s.io");
    expect(run(`kubectl apply -f ${RELEASE}/v1.4.1/standard-install.yaml`).output).toContain("customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io configured\n");
  });

  it("a policy of one's own: Deny bindings refuse what its validations reject, with its message and reason", () => {
    const run = simTerminal(3);
    run(`kubectl apply -f - <<'EOF'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 3"
    message: "at most 3 replicas"
    reason: Forbidden
  - expression: "object.metadata.name.startsWith('app-')"
EOF`);
    expect(run("kubectl create deployment web --image=nginx --replicas=5").exitCode).toBe(0);
    run(`kubectl apply -f - <<'EOF'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit
spec:
  policyName: replica-limit
  validationActions: [Deny]
EOF`);
    expect(run("kubectl create deployment app-big --image=nginx --replicas=5")).toEqual({
      output: "error: failed to create deployment: deployments.apps \"app-big\" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit' denied request: at most 3 replicas\n",
      exitCode: 1,
    });
    // kubectl create deployment wraps the error; apply prints the Invalid status as checkErr does.
    expect(run("kubectl create deployment other --image=nginx").output).toBe(
      "error: failed to create deployment: deployments.apps \"other\" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit' denied request: failed expression: object.metadata.name.startsWith('app-')\n",
    );
    expect(run("kubectl apply -f - <<'EOF'\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\nspec:\n  selector:\n    matchLabels: {app: other}\n  template:\n    metadata:\n      labels: {app: other}\n    spec:\n      containers:\n      - name: c\n        image: nginx\nEOF").output).toBe(
      "The deployments \"other\" is invalid: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit' denied request: failed expression: object.metadata.name.startsWith('app-')\n",
    );
    expect(run("kubectl create deployment app-ok --image=nginx --replicas=2").output).toBe("deployment.apps/app-ok created\n");
    // Existing objects are checked when they change.
    expect(run("kubectl scale deployment app-ok --replicas=4").output).toContain("at most 3 replicas");
  });
});
