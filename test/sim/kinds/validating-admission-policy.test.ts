// ValidatingAdmissionPolicy and its binding: served by every cluster (admissionregistration.k8s.io/v1),
// stored with the API server's defaults, refused with ValidateValidatingAdmissionPolicy(Binding)'s
// messages, printed with printers.go's columns.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const POLICY = `apiVersion: admissionregistration.k8s.io/v1
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
  - expression: "object.spec.replicas <= 5"
`;

describe("ValidatingAdmissionPolicy", () => {
  it("is stored with the API server's defaults and printed as kubectl prints it", () => {
    const run = simTerminal(3);
    expect(run(`kubectl apply -f - <<'EOF'\n${POLICY}EOF`)).toEqual({ output: "validatingadmissionpolicy.admissionregistration.k8s.io/replica-limit created\n", exitCode: 0 });
    expect(run("kubectl get validatingadmissionpolicies").output).toBe("NAME            VALIDATIONS   PARAMKIND   AGE\nreplica-limit   1             <unset>     3s\n");
    const spec = JSON.parse(run("kubectl get validatingadmissionpolicy replica-limit -o jsonpath='{.spec}'").output);
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConstraints).toEqual({
      namespaceSelector: {},
      objectSelector: {},
      resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"], scope: "*" }],
      matchPolicy: "Equivalent",
    });
    expect(run("kubectl api-resources --api-group=admissionregistration.k8s.io -o name").output).toBe(
      "validatingadmissionpolicies.admissionregistration.k8s.io\nvalidatingadmissionpolicybindings.admissionregistration.k8s.io\nvalidatingwebhookconfigurations.admissionregistration.k8s.io\n",
    );
  });

  it("refuses a policy without matchConstraints or validations, with the API server's causes", () => {
    const run = simTerminal(3);
    const r = run("kubectl apply -f - <<'EOF'\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: empty\nspec: {}\nEOF");
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain("spec.matchConstraints: Required value");
    expect(r.output).toContain("spec.validations: Required value: validations or auditAnnotations must contain at least one item");
  });
});

describe("ValidatingAdmissionPolicyBinding", () => {
  it("prints its policy and parameter, and needs a policy name and an action", () => {
    const run = simTerminal(3);
    const binding = (spec: string) => run(`kubectl apply -f - <<'EOF'\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: replica-limit\nspec:\n${spec}EOF`);
    const refused = binding("  paramRef:\n    name: x\n    parameterNotFoundAction: Deny\n");
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toContain("spec.policyName: Required value");
    expect(refused.output).toContain("spec.validationActions: Required value: at least one validation action is required");
    expect(binding("  policyName: replica-limit\n  validationActions: [Deny]\n  paramRef:\n    name: limits\n    namespace: prod\n    parameterNotFoundAction: Deny\n").output).toBe(
      "validatingadmissionpolicybinding.admissionregistration.k8s.io/replica-limit created\n",
    );
    expect(run("kubectl get validatingadmissionpolicybinding").output).toBe("NAME            POLICYNAME      PARAMREF      AGE\nreplica-limit   replica-limit   prod/limits   3s\n");
  });
});
