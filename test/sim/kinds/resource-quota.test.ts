// ResourceQuotas and LimitRanges: stored and validated as the API server does, the quota
// controller's status (hard and used), get's columns, describe's layouts and describe namespace
// listing them, and kubectl create quota with kubectl's errors.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

describe("ResourceQuotas", () => {
  it("counts what the namespace holds and prints REQUEST and LIMIT as used/hard", () => {
    const run = simTerminal(41);
    expect(run("kubectl create quota q --hard=pods=2,requests.cpu=1,limits.memory=1Gi,count/deployments.apps=3,services.nodeports=1").output).toBe("resourcequota/q created\n");
    expect(run("kubectl get quota").output).toMatch(/^NAME +AGE +REQUEST +LIMIT\nq +\d+s +count\/deployments\.apps: 0\/3, pods: 0\/2, requests\.cpu: 0\/1, services\.nodeports: 0\/1 +limits\.memory: 0\/1Gi\n$/);
    run("kubectl create deployment web --image=nginx");
    run("kubectl expose deploy web --port 80 --type NodePort");
    run(manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sized\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 250m\n      limits:\n        memory: 128Mi"));
    expect(run("kubectl get resourcequota q -o jsonpath='{.status.used}'").output).toBe(
      '{"count/deployments.apps":"1","limits.memory":"128Mi","pods":"2","requests.cpu":"250m","services.nodeports":"1"}',
    );
    expect(run("kubectl describe quota q").output).toBe(
      "Name:                   q\nNamespace:              default\nResource                Used   Hard\n--------                ----   ----\ncount/deployments.apps  1      3\nlimits.memory           128Mi  1Gi\npods                    2      2\nrequests.cpu            250m   1\nservices.nodeports      1      1\n",
    );
    run("kubectl delete pod sized");
    run("sleep 40");
    expect(run("kubectl get quota q -o jsonpath='{.status.used.pods}'").output).toBe("1");
  });

  it("refuses what the API server refuses", () => {
    const run = simTerminal(42);
    expect(run("kubectl create quota bad --hard=foo=1,pods=1.5,cpu=-1").output).toBe(
      // create_quota.go wraps the server's error ("failed to create quota: %v"): its message, the causes on one line.
      'error: failed to create quota: ResourceQuota "bad" is invalid: [spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0, spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota, spec.hard[pods]: Invalid value: "1500m": must be an integer]\n',
    );
    expect(run(manifest("apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    pods: lots")).output).toContain(
      `ResourceQuota in version "v1" cannot be handled as a ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(run(manifest("apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  scopes: [Sometimes]\n  hard:\n    pods: '1'")).output).toContain('spec.scopes[0]: Unsupported value: "Sometimes": supported values: "Terminating", "NotTerminating", "BestEffort"');
  });

  it("kubectl create quota builds the object as kubectl does, with its errors", () => {
    const run = simTerminal(43);
    expect(run("kubectl create quota q --hard=pods=2,cpu=0.5 --scopes=BestEffort --dry-run=client -o yaml").output).toBe(
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    cpu: 500m\n    pods: "2"\n  scopes:\n  - BestEffort\nstatus: {}\n',
    );
    expect(run("kubectl create quota q --hard=pods=abc").output).toBe("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n");
    expect(run("kubectl create quota q --hard=pods=1=2").output).toBe("error: Invalid argument syntax pods=1=2, expected <resource>=<value>\n");
    expect(run("kubectl create quota q --scopes=BestEffort,").output).toBe('error: invalid resource quota scope ""\n');
    expect(run("kubectl create quota --hard=pods=1").output).toBe("error: exactly one NAME is required, got 0\nSee 'kubectl create quota -h' for help and examples\n");
  });

  it("counts only the pods its scopes match", () => {
    const run = simTerminal(44);
    run("kubectl create quota be --hard=pods=5 --scopes=BestEffort");
    run("kubectl run plain --image=nginx");
    run(manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sized\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 100m"));
    expect(run("kubectl get quota be -o jsonpath='{.status.used.pods}'").output).toBe("1");
    expect(run("kubectl describe quota be").output).toContain(
      "Scopes:     BestEffort\n * Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.\n",
    );
  });
});

describe("LimitRanges", () => {
  const limits = "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\nspec:\n  limits:\n  - type: Container\n    default:\n      cpu: 500m\n      memory: 256Mi\n    defaultRequest:\n      cpu: 0.2\n    max:\n      cpu: '2'\n  - type: Pod\n    max:\n      memory: 1Gi";

  it("prints NAME CREATED AT and describes a row per type and resource", () => {
    const run = simTerminal(45);
    expect(run(manifest(limits)).output).toBe("limitrange/lr created\n");
    expect(run("kubectl get limits").output).toMatch(/^NAME +CREATED AT\nlr +2026-01-01T00:00:\d\dZ\n$/);
    expect(run("kubectl describe limitrange lr").output).toBe(
      "Name:       lr\nNamespace:  default\nType        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n----        --------  ---  ---  ---------------  -------------  -----------------------\nContainer   cpu       -    2    200m             500m           -\nContainer   memory    -    -    -                256Mi          -\nPod         memory    -    1Gi  -                -              -\n",
    );
  });

  it("refuses inconsistent limits with ValidateLimitRange's messages", () => {
    const run = simTerminal(46);
    const out = run(manifest("apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: bad\nspec:\n  limits:\n  - type: Container\n    min:\n      cpu: '2'\n    max:\n      cpu: '1'\n    default:\n      memory: 1Gi\n    defaultRequest:\n      memory: 2Gi\n  - type: Pod\n    default:\n      cpu: '1'\n  - type: Container")).output;
    expect(out).toBe(
      'The LimitRange "bad" is invalid: \n* spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1\n* spec.limits[0].defaultRequest[memory]: Invalid value: "2Gi": default request value 2Gi is greater than default limit value 1Gi\n* spec.limits[1].default: Forbidden: may not be specified when `type` is \'Pod\'\n* spec.limits[2].type: Duplicate value: "Container"\n',
    );
  });

  it("describe namespace lists the quotas and limit ranges as kubectl does", () => {
    const run = simTerminal(47);
    expect(run("kubectl describe ns default").output).toBe(
      "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n",
    );
    run(manifest(limits));
    run("kubectl create quota q --hard=pods=3,secrets=4");
    expect(run("kubectl describe namespace default").output).toBe(
      "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nResource Quotas\n  Name:     q\n  Resource  Used  Hard\n  --------  ---   ---\n  pods      0     3\n  secrets   0     4\n\nResource Limits\n Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n ----       --------  ---  ---  ---------------  -------------  -----------------------\n Container  cpu       -    2    200m             500m           -\n Container  memory    -    -    -                256Mi          -\n Pod        memory    -    1Gi  -                -              -\n",
    );
  });
});
