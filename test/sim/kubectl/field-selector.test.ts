// --field-selector: apimachinery's parser, each kind's supported fields and the API server's
// (and kubectl's builder's) words when a field is not supported.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { convertFieldSelector, matchesFields, parseFieldSelector } from "../../../worker/sim/kubectl/field-selector.ts";
import { resourceType } from "../../../worker/sim/kubectl/resources.ts";

describe("parseFieldSelector", () => {
  it.each([
    ["status.phase=Running", [{ field: "status.phase", operator: "=", value: "Running" }]],
    ["status.phase==Running", [{ field: "status.phase", operator: "=", value: "Running" }]],
    ["spec.nodeName!=node01", [{ field: "spec.nodeName", operator: "!=", value: "node01" }]],
    ["spec.nodeName=", [{ field: "spec.nodeName", operator: "=", value: "" }]],
    [
      "status.phase=Running,metadata.name=web",
      [
        { field: "metadata.name", operator: "=", value: "web" },
        { field: "status.phase", operator: "=", value: "Running" },
      ],
    ],
    ["metadata.name=a\\,b", [{ field: "metadata.name", operator: "=", value: "a,b" }]],
    ["metadata.name=a\\=b\\\\", [{ field: "metadata.name", operator: "=", value: "a=b\\" }]],
    [",,", []],
  ])("reads %j", (text, requirements) => {
    expect(parseFieldSelector(text)).toEqual({ ok: true, requirements });
  });

  it.each([
    ["bad", "invalid selector: 'bad'; can't understand 'bad'"],
    ["a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"],
    ["a=b=c", "invalid field selector: unescaped character in value: 61"],
    ["a=b\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a=b\\", "invalid field selector: invalid escape sequence: \\"],
  ])("rejects %j as the API server does", (text, error) => {
    expect(parseFieldSelector(text)).toEqual({ ok: false, error });
  });
});

describe("convertFieldSelector", () => {
  const convert = (type: Parameters<typeof resourceType>[0], field: string) =>
    convertFieldSelector(resourceType(type), [{ field, operator: "=", value: "x" }]);
  it.each([
    ["pods", "spec.nodeName"],
    ["pods", "status.podIP"],
    ["pods", "spec.serviceAccountName"],
    ["services", "spec.type"],
    ["services", "spec.clusterIP"],
    ["nodes", "spec.unschedulable"],
    ["namespaces", "status.phase"],
    ["events", "involvedObject.kind"],
    ["events", "reason"],
    ["deployments", "metadata.namespace"],
    ["replicasets", "metadata.name"],
  ] as const)("%s accept %s", (type, field) => {
    expect(convert(type, field).ok).toBe(true);
  });

  it.each([
    ["pods", "foo", "field label not supported: foo"],
    ["nodes", "metadata.namespace", "field label not supported: metadata.namespace"],
    ["namespaces", "metadata.namespace", "field label not supported: metadata.namespace"],
    ["services", "spec.selector", "field label not supported: spec.selector"],
    ["deployments", "status.replicas", '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ["endpoints", "subsets", '"subsets" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ] as const)("%s reject %s", (type, field, error) => {
    expect(convert(type, field)).toEqual({ ok: false, error });
  });

  it("turns an old client's spec.host into spec.nodeName", () => {
    expect(convert("pods", "spec.host")).toEqual({ ok: true, requirements: [{ field: "spec.nodeName", operator: "=", value: "x" }] });
  });
});

describe("matchesFields", () => {
  it("reads a field the object does not offer as empty, even one named like an Object method", () => {
    expect(matchesFields({ "metadata.name": "a" }, [{ field: "constructor", operator: "=", value: "" }])).toBe(true);
    expect(matchesFields({ "metadata.name": "a" }, [{ field: "status.podIPs", operator: "!=", value: "x" }])).toBe(true);
  });
});

function cluster(): (line: string) => { output: string; exitCode: number } {
  let state: SessionState = createSession({ seed: 7, now: Date.UTC(2026, 0, 1) });
  let now = Date.UTC(2026, 0, 1);
  return (line) => {
    now = Math.max(now + 3000, state.cluster.now);
    const result = execute(state, line, { now });
    state = result.state;
    return result;
  };
}

describe("kubectl get/delete --field-selector", () => {
  const names = (output: string) => output.trim().split("\n").map((l) => l.split(/\s+/)[0]);

  it("lists only the pods whose fields match every term", () => {
    const run = cluster();
    run("kubectl run web --image=nginx");
    run("kubectl run done --image=busybox --restart=Never -- true");
    run("kubectl create deploy api --image=nginx --replicas=2");
    const running = names(run("kubectl get pods --field-selector status.phase=Running -o name").output);
    expect(running).toContain("pod/web");
    expect(running).not.toContain("pod/done");
    expect(run("kubectl get pods --field-selector status.phase!=Running -o name").output).toBe("pod/done\n");
    expect(run("kubectl get pods --field-selector spec.restartPolicy=Never -o name").output).toBe("pod/done\n");
    expect(run("kubectl get pods --field-selector metadata.name=web,status.phase==Running -o name").output).toBe("pod/web\n");
    expect(run("kubectl get pods -l app=api --field-selector status.phase=Running -o name").output.split("\n").filter(Boolean)).toHaveLength(2);
    const kubeSystemOnNode = run("kubectl get pods -A --field-selector spec.nodeName=controlplane,metadata.namespace=kube-system -o name").output;
    expect(kubeSystemOnNode).toContain("pod/etcd-controlplane");
    expect(run("kubectl get pods --field-selector spec.nodeName=nowhere").output).toBe("No resources found in default namespace.\n");
  });

  it("filters nodes, namespaces, services and events by their own fields", () => {
    const run = cluster();
    run("kubectl run web --image=nginx");
    run("kubectl expose pod web --port=80 --type=NodePort");
    expect(run("kubectl get nodes --field-selector spec.unschedulable=false -o name").output.split("\n").filter(Boolean)).toHaveLength(3);
    expect(run("kubectl get ns --field-selector status.phase=Active,metadata.name=default -o name").output).toBe("namespace/default\n");
    expect(run("kubectl get svc --field-selector spec.type=NodePort -o name").output).toBe("service/web\n");
    const events = run("kubectl get events --field-selector involvedObject.name=web,reason=Scheduled").output;
    expect(events).toContain("Successfully assigned default/web");
    expect(events.trim().split("\n")).toHaveLength(2);
  });

  it.each([
    [
      "kubectl get pods --field-selector foo=bar",
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo\n',
    ],
    [
      "kubectl get deploy -l app=web --field-selector status.replicas=1",
      'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector "app=web", field selector "status.replicas=1": "status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"\n',
    ],
    [
      "kubectl get pods --field-selector zzz=1,aaa=2",
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "zzz=1,aaa=2": field label not supported: aaa\n',
    ],
    [
      "kubectl get pods --field-selector phase",
      `Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "phase": invalid selector: 'phase'; can't understand 'phase'\n`,
    ],
    ["kubectl get pods web --field-selector metadata.name=web", "error: name cannot be provided when a selector is specified\n"],
    ["kubectl delete pods --all --field-selector metadata.name=web", "error: setting 'all' parameter but found a non empty selector. \n"],
  ])("%s fails as real", (line, output) => {
    const result = cluster()(line);
    expect(result.output).toBe(output);
    expect(result.exitCode).toBe(1);
  });

  it("lists the types the field selector fits and reports the others", () => {
    const run = cluster();
    run("kubectl run web --image=nginx");
    const result = run("kubectl get pods,deploy --field-selector spec.nodeName!=nowhere -o name");
    expect(result.output).toContain("pod/web\n");
    expect(result.output).toContain('Unable to find "apps/v1, Resource=deployments"');
    expect(result.exitCode).toBe(1);
  });

  it("deletes only what the field selector picks", () => {
    const run = cluster();
    run("kubectl run web --image=nginx");
    run("kubectl run other --image=nginx");
    expect(run("kubectl delete pods --field-selector metadata.name=web").output).toBe('pod "web" deleted from default namespace\n');
    expect(run("kubectl get pods -o name").output).toBe("pod/other\n");
  });
});
