// kubectl explain in the console: kubectl's plaintext template over the registry kinds' OpenAPI
// v3 documents. The expected texts are what real kubectl 1.32 printed against a session's API
// (test/oracle compares the two on a live session).
import { describe, expect, it } from "vitest";
import { rootDefinition } from "../../../worker/sim/explain/openapi.ts";
import { wrap } from "../../../worker/sim/explain/render.ts";
import { kinds } from "../../../worker/sim/kinds/index.ts";
import { simTerminal } from "../console.ts";

describe("kubectl explain", () => {
  const run = simTerminal(8, 2000);

  it("prints a field with its enum and both descriptions, as kubectl's template does", () => {
    expect(run("kubectl explain deploy.spec.strategy.type")).toEqual({
      output: `GROUP:      apps
KIND:       Deployment
VERSION:    v1

FIELD: type <string>
ENUM:
    Recreate
    RollingUpdate

DESCRIPTION:
    Type of deployment. Can be "Recreate" or "RollingUpdate". Default is
    RollingUpdate.
    
    Possible enum values:
     - \`"Recreate"\` Kill all existing pods before creating new ones.
     - \`"RollingUpdate"\` Replace the old ReplicaSets by new one using rolling
    update i.e gradually scale down the old ReplicaSets and scale up the new
    one.
    

`,
      exitCode: 0,
    });
  });

  it("lists fields one line each with --recursive, the referring field's description before the type's", () => {
    expect(run("kubectl explain lease.spec --recursive").output).toBe(`GROUP:      coordination.k8s.io
KIND:       Lease
VERSION:    v1

FIELD: spec <LeaseSpec>


DESCRIPTION:
    spec contains the specification of the Lease. More info:
    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status
    LeaseSpec is a specification of a Lease.
    
FIELDS:
  acquireTime\t<string>
  holderIdentity\t<string>
  leaseDurationSeconds\t<integer>
  leaseTransitions\t<integer>
  preferredHolder\t<string>
  renewTime\t<string>
  strategy\t<string>

`);
  });

  it("names the types kubectl guesses: references, lists, maps, int-or-string, quantities", () => {
    const pod = run("kubectl explain pods.spec.containers --recursive").output;
    expect(pod).toContain("FIELD: containers <[]Container>\n");
    expect(pod).toContain("\n  ports\t<[]ContainerPort>\n    containerPort\t<integer> -required-\n");
    expect(pod).toContain("\n    limits\t<map[string]Quantity>\n");
    expect(pod).toContain("\n        port\t<IntOrString> -required-\n");
    expect(pod).toContain("\n  imagePullPolicy\t<string>\n  enum: Always, IfNotPresent, Never\n");
    expect(run("kubectl explain svc.spec").output).toContain("  externalTrafficPolicy\t<string>\n  enum: Cluster, Local\n");
    expect(run("kubectl explain deployments.apps.spec.replicas").output).toContain("FIELD: replicas <integer>\n");
  });

  it("answers with kubectl's errors", () => {
    expect(run("kubectl explain pod.spec.nope")).toEqual({ output: 'KIND:       Pod\nVERSION:    v1\n\nerror: field "nope" does not exist\n', exitCode: 1 });
    // The error names the last field of the path, wherever the walk stopped.
    expect(run("kubectl explain pods.v1.spec.containers").output).toBe('KIND:       Pod\nVERSION:    v1\n\nerror: field "containers" does not exist\n');
    expect(run("kubectl explain nope")).toEqual({ output: 'the server doesn\'t have a resource type "nope"\n', exitCode: 1 });
    expect(run("kubectl explain").output).toBe('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n');
    expect(run("kubectl explain a b").output).toBe("error: We accept only this format: explain RESOURCE\n");
    expect(run("kubectl explain pods --api-version=apps/v1").output).toBe("error: GVR (apps/v1, Resource=pods) not found in OpenAPI schema\n");
    expect(run("kubectl explain pods --api-version=v2").output).toBe('error: couldn\'t find resource for "/v2, Resource=pods"\n');
    expect(run("kubectl explain pods --api-version=a/b/c").output).toBe("error: unexpected GroupVersion string: a/b/c\n");
    expect(run("kubectl explain pods[0]").output).toBe("error: invalid jsonpath syntax, first node must be field node\n");
    expect(run("kubectl explain pods -o yaml").output).toBe("error: unrecognized format: yaml\n");
  });

  it("explains a custom resource from its CRD's schema: nested objects are <Object>", () => {
    const output = run("kubectl explain ipaddresspools.spec").output;
    expect(output).toContain("GROUP:      metallb.io\nKIND:       IPAddressPool\nVERSION:    v1beta1\n\nFIELD: spec <Object>\n");
    expect(output).toContain("  addresses\t<[]string> -required-\n    A list of IP address ranges over which MetalLB has authority.\n");
  });

  it("explains every registry kind (the Gateway API's and NGINX Gateway Fabric's once their CRDs are installed: v1.5.1, whose schemas the definitions hold)", () => {
    run("kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml");
    run("kubectl apply --server-side -f https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml");
    for (const def of kinds) {
      const result = run(`kubectl explain ${def.group === "" ? def.plural : `${def.plural}.${def.group}`}`);
      expect(rootDefinition(def), `${def.kind} has no schema: run scripts/kind-schemas-generate.ts`).toBeDefined();
      expect(result.exitCode, def.kind).toBe(0);
      expect(result.output, def.kind).toContain(`KIND:       ${def.kind}\nVERSION:    ${def.version}\n\nDESCRIPTION:\n`);
      expect(result.output, def.kind).toContain("\n  apiVersion\t<string>\n");
    }
  });
});

describe("go-wordwrap's WrapString", () => {
  it("breaks at the last space before the limit and keeps long words whole", () => {
    expect(wrap(10, "aaa bbb ccc ddd")).toBe("aaa bbb\nccc ddd");
    expect(wrap(5, "abcdefghij klm")).toBe("abcdefghij\nklm");
    expect(wrap(10, "one\n\ntwo")).toBe("one\n\ntwo");
  });
});
