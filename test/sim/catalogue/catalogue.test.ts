// The catalogue stands in for the internet: the published files by their URLs, byte for byte,
// for kubectl -f, curl and wget; every other address fails as on a machine without a network,
// with the reason in a hint beside the output.

import { describe, expect, it } from "vitest";
import { catalogue, isInternetHost, lookupCatalogue } from "../../../worker/sim/catalogue/index.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function session(): { run: (command: string) => ReturnType<typeof execute> } {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed: 3, now });
  return {
    run: (command) => {
      now += 5000;
      const result = execute(state, command, { now });
      state = result.state;
      return result;
    },
  };
}

const DEPLOYMENT = "https://kubernetes.io/examples/application/deployment.yaml";
const BAREMETAL = "https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/baremetal/deploy.yaml";

describe("the catalogue", () => {
  it("keeps each file with its source and version", () => {
    for (const file of catalogue) {
      expect(file.url).toMatch(/^https:\/\//);
      expect(file.source).not.toBe("");
      expect(file.version).toMatch(/commit [0-9a-f]{40}/);
      expect(file.text.length).toBeGreaterThan(100);
    }
    expect(new Set(catalogue.map((f) => f.url)).size).toBe(catalogue.length);
  });

  it("serves k8s.io/examples/... through its redirect to kubernetes.io, and nothing it does not hold", () => {
    expect(lookupCatalogue(DEPLOYMENT)?.redirectedTo).toBeUndefined();
    expect(lookupCatalogue("https://k8s.io/examples/application/deployment.yaml")).toEqual({ file: lookupCatalogue(DEPLOYMENT)!.file, redirectedTo: DEPLOYMENT });
    expect(lookupCatalogue("https://kubernetes.io/examples/application/nothing.yaml")).toBeUndefined();
    expect(lookupCatalogue("https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v0.1.0/deploy/static/provider/cloud/deploy.yaml")).toBeUndefined();
  });

  it("tells internet names from cluster names", () => {
    expect(isInternetHost("example.com")).toBe(true);
    expect(isInternetHost("k8s.io")).toBe(true);
    expect(isInternetHost("web")).toBe(false);
    expect(isInternetHost("web.default.svc.cluster.local")).toBe(false);
  });
});

describe("kubectl -f URL", () => {
  it("creates what a catalogue manifest holds, by either address", () => {
    const { run } = session();
    expect(run("kubectl apply -f https://k8s.io/examples/application/deployment.yaml")).toMatchObject({ output: "deployment.apps/nginx-deployment created\n", exitCode: 0 });
    expect(run("kubectl get deploy nginx-deployment -o jsonpath='{.spec.template.spec.containers[0].image}'").output).toBe("nginx:1.14.2");
    expect(run(`kubectl create -f ${DEPLOYMENT}`).output).toBe('Error from server (AlreadyExists): error when creating "https://kubernetes.io/examples/application/deployment.yaml": deployments.apps "nginx-deployment" already exists\n');
  });

  it("applies service/access/hello-application.yaml, whose hello-app image is pulled from Artifact Registry", () => {
    const { run } = session();
    expect(run("kubectl apply -f https://k8s.io/examples/service/access/hello-application.yaml").output).toBe("deployment.apps/hello-world created\n");
    run("sleep 20");
    expect(run("kubectl get deploy hello-world").output).toMatch(/^hello-world\s+2\/2\s/m);
  });

  it("fails on any other address as kubectl does when the name does not resolve, the reason in a hint", () => {
    const r = session().run("kubectl apply -f https://example.com/app.yaml");
    expect(r.output).toBe("Unable to connect to the server: dial tcp: lookup example.com on 127.0.0.53:53: no such host\n");
    expect(r.exitCode).toBe(1);
    expect(r.notes?.[0]).toMatch(/^the playground has no internet, so https:\/\/example\.com\/app\.yaml cannot be fetched/);
  });
});

describe("curl and wget", () => {
  it("curl -sL prints the published bytes; without -L a k8s.io address answers with its redirect", () => {
    const { run } = session();
    expect(run(`curl -sL ${BAREMETAL}`).output).toBe(lookupCatalogue(BAREMETAL)!.file.text);
    const redirect = run("curl -si https://k8s.io/examples/application/deployment.yaml");
    expect(redirect.output).toBe(`HTTP/2 301 \nlocation: ${DEPLOYMENT}\ncontent-length: 0\n\n`);
  });

  it("curl to another internet address cannot resolve it; a cluster name that does not resolve gets no hint", () => {
    const { run } = session();
    const r = run("curl https://github.com/");
    expect(r).toMatchObject({ output: "curl: (6) Could not resolve host: github.com\n", exitCode: 6 });
    expect(r.notes).toHaveLength(1);
    expect(run("curl http://web-typo/").notes).toBeUndefined();
  });

  it("busybox wget -qO- in a pod prints the file; another address is a bad address", () => {
    const { run } = session();
    run("kubectl run bb --image=busybox -- sleep 3600");
    expect(run(`kubectl exec bb -- wget -qO- ${DEPLOYMENT}`).output).toBe(lookupCatalogue(DEPLOYMENT)!.file.text);
    const r = run("kubectl exec bb -- wget -qO- http://example.org/");
    expect(r.output).toBe("wget: bad address 'example.org'\ncommand terminated with exit code 1\n");
    expect(r.notes).toHaveLength(1);
  });
});
