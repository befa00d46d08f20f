// kubectl create service externalname: the Service create_service.go builds (selector and label
// app=NAME, ports only from --tcp), the required flag and the name check it makes before sending.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("kubectl create service externalname", () => {
  it("creates an ExternalName Service that get and describe show with its external name", () => {
    const run = simTerminal(31);
    expect(run("kubectl create service externalname ext --external-name example.com").output).toBe("service/ext created\n");
    expect(run("kubectl create service externalname db --external-name db.example.com --tcp=5432:5432").output).toBe("service/db created\n");
    const get = run("kubectl get svc db ext").output;
    expect(get).toMatch(/^db +ExternalName +<none> +db\.example\.com +5432\/TCP +\S+\n/m);
    expect(get).toMatch(/^ext +ExternalName +<none> +example\.com +<none> +\S+\n/m);
    const svc = JSON.parse(run("kubectl get svc ext -o json").output);
    expect(svc.spec).toMatchObject({ type: "ExternalName", externalName: "example.com", selector: { app: "ext" } });
    expect(svc.metadata.labels).toEqual({ app: "ext" });
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(run("kubectl describe svc ext").output).toContain("External Name:     example.com\n");
  });

  it("requires --external-name and a DNS-1123 subdomain in it", () => {
    const run = simTerminal(32);
    expect(run("kubectl create service externalname ext")).toEqual({ output: 'error: required flag(s) "external-name" not set\n', exitCode: 1 });
    expect(run("kubectl create service externalname ext --external-name Bad_Name")).toEqual({ output: "error: invalid service external name Bad_Name\n", exitCode: 1 });
    expect(run("kubectl get svc ext").exitCode).toBe(1);
  });

  it("is listed among create service's subcommands, in cobra's order", () => {
    const run = simTerminal(33);
    expect(run("kubectl create service -h").output).toMatch(/clusterip +Create a ClusterIP service\n +externalname +Create an ExternalName service\n +loadbalancer +Create a LoadBalancer service\n +nodeport +Create a NodePort service\n/);
  });
});
