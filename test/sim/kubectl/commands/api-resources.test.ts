// kubectl api-resources as apiresources.go prints it: the filters (--api-group, --namespaced,
// --verbs, --categories), --sort-by, -o wide's VERBS and CATEGORIES, -o name, json and yaml.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("kubectl api-resources", () => {
  const run = simTerminal(21, 3000);

  it("adds the verbs the API serves and the categories with -o wide", () => {
    const out = run("kubectl api-resources -o wide --api-group=apps").output.split("\n");
    expect(out[0].split(/\s+/)).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]);
    expect(out[2].split(/\s+/)).toEqual(["deployments", "deploy", "apps/v1", "true", "Deployment", "create,delete,deletecollection,get,list,patch,update,watch", "all"]);
    // A derived kind is only read.
    expect(run("kubectl api-resources -o wide --api-group=discovery.k8s.io").output).toMatch(/endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice\s+get,list,watch/);
  });

  it("lists what supports every verb asked, by scope, as -o name gives it", () => {
    const names = run("kubectl api-resources --verbs=list,create --namespaced -o name").output.trim().split("\n");
    expect(names).toContain("pods");
    expect(names).toContain("deployments.apps");
    expect(names).not.toContain("endpoints");
    expect(names).not.toContain("nodes");
    const cluster = run("kubectl api-resources --namespaced=false --no-headers -o wide").output;
    expect(cluster).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace/m);
    expect(cluster).not.toMatch(/NAME/);
  });

  it("keeps the resources of a category, sorted by kind or name when asked", () => {
    const kinds = run("kubectl api-resources --categories=all --sort-by=kind --no-headers").output.trim().split("\n").map((l) => l.split(/\s+/).at(-1));
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds).toContain("Pod");
    expect(run("kubectl api-resources --sort-by=age")).toEqual({ output: "error: --sort-by accepts only name or kind\n", exitCode: 1 });
  });

  it("prints the flattened APIResourceList as JSON in struct order and as YAML", () => {
    const list = JSON.parse(run("kubectl api-resources -o json --api-group=apps").output);
    expect(Object.keys(list)).toEqual(["kind", "apiVersion", "groupVersion", "resources"]);
    expect(list.resources[1]).toEqual({
      name: "deployments",
      singularName: "deployment",
      namespaced: true,
      group: "apps",
      version: "v1",
      kind: "Deployment",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["deploy"],
      categories: ["all"],
    });
    expect(run("kubectl api-resources -o yaml --api-group=apps").output).toMatch(/^apiVersion: v1\ngroupVersion: ""\nkind: APIResourceList\nresources:\n- categories:\n  - all\n  group: apps\n/);
    expect(run("kubectl api-resources -o table")).toEqual({ output: 'error: unable to match a printer suitable for the output format "table", allowed formats are: json,name,wide,yaml\n', exitCode: 1 });
  });
});
