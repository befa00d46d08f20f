// helm v3.19 in the console: NGINX Gateway Fabric's chart installed as its docs install it
// (`helm install ngf oci://ghcr.io/nginx/charts/nginx-gateway-fabric --create-namespace -n
// nginx-gateway`, after the Gateway API CRDs), the release stored as helm's Secret driver stores it,
// listed, upgraded with --set, uninstalled; helm's errors word for word (cmd/helm, pkg/action).
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml";
const CHART = "oci://ghcr.io/nginx/charts/nginx-gateway-fabric";
const INSTALL = `helm install ngf ${CHART} --create-namespace -n nginx-gateway`;

interface Session {
  run: (command: string) => { output: string; exitCode: number };
  wait: (seconds: number) => void;
  fork: () => Session;
}

function session(state: SessionState, start: number): Session {
  let now = start;
  const step = (command: string) => {
    now += 2000;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  return {
    run: step,
    wait: (seconds) => {
      for (let t = 0; t < seconds; t += 5) {
        now += 3000;
        step("true");
      }
    },
    fork: () => session(state, now),
  };
}

const start = Date.UTC(2026, 0, 1);
let fresh: Session;
let installed: Session;

beforeAll(() => {
  fresh = session(createSession({ seed: 5, now: start }), start);
  expect(fresh.run(`kubectl apply -f ${GATEWAY_API}`).exitCode).toBe(0);
  installed = fresh.fork();
  const result = installed.run(INSTALL);
  expect(result.exitCode).toBe(0);
  installed.wait(10);
}, 120_000);

describe("helm install", () => {
  it("pulls the chart, runs its cert-generator hook and prints the release's status", () => {
    const s = fresh.fork();
    const r = s.run(INSTALL);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/^Pulled: ghcr\.io\/nginx\/charts\/nginx-gateway-fabric:2\.6\.7\nNAME: ngf\nLAST DEPLOYED: Thu Jan  1 00:00:\d\d 2026\nNAMESPACE: nginx-gateway\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\n$/);
    // The pre-install hook ran to completion before the release's objects: the TLS Secrets exist.
    expect(s.run("kubectl get job -n nginx-gateway ngf-nginx-gateway-fabric-cert-generator -o jsonpath='{.status.succeeded}'").output).toBe("1");
    expect(s.run("kubectl get secret -n nginx-gateway server-tls agent-tls -o name").output).toBe("secret/server-tls\nsecret/agent-tls\n");
  });

  it("stores the release as a helm.sh/release.v1 Secret labelled as helm labels it", () => {
    const r = installed.run("kubectl get secret -n nginx-gateway -l owner=helm");
    expect(r.output).toMatch(/^NAME +TYPE +DATA +AGE\nsh\.helm\.release\.v1\.ngf\.v1 +helm\.sh\/release\.v1 +1 +\d+s\n$/);
    const labels = JSON.parse(installed.run("kubectl get secret -n nginx-gateway sh.helm.release.v1.ngf.v1 -o jsonpath='{.metadata.labels}'").output) as Record<string, string>;
    expect({ ...labels, modifiedAt: "-" }).toEqual({ createdAt: labels.createdAt, modifiedAt: "-", name: "ngf", owner: "helm", status: "deployed", version: "1" });
  });

  it("creates the chart's objects named after the release, owned by it, and NGF's controller takes GatewayClass nginx", () => {
    const deploy = installed.run("kubectl get deploy -n nginx-gateway");
    expect(deploy.output).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nngf-nginx-gateway-fabric +1\/1 +1 +1 +\d+s\n$/);
    const meta = installed.run("kubectl get deploy -n nginx-gateway ngf-nginx-gateway-fabric -o jsonpath='{.metadata.labels.app\\.kubernetes\\.io/managed-by} {.metadata.annotations}'");
    expect(meta.output).toBe('Helm {"deployment.kubernetes.io/revision":"1","meta.helm.sh/release-name":"ngf","meta.helm.sh/release-namespace":"nginx-gateway"}');
    expect(installed.run("kubectl get gatewayclass nginx").output).toMatch(/^NAME +CONTROLLER +ACCEPTED +AGE\nnginx +gateway\.nginx\.org\/nginx-gateway-controller +True +\d+s\n$/);
    // The chart's crds/ (NGF's own CRDs) were installed with it; the Gateway API's were not.
    expect(installed.run("kubectl get crd nginxproxies.gateway.nginx.org -o name").output).toBe("customresourcedefinition.apiextensions.k8s.io/nginxproxies.gateway.nginx.org\n");
  });

  it("fails on a name in use, a missing namespace, missing Gateway API CRDs, and bad arguments as helm does", () => {
    expect(installed.run(INSTALL)).toEqual({ exitCode: 1, output: "Pulled: ghcr.io/nginx/charts/nginx-gateway-fabric:2.6.7\nError: INSTALLATION FAILED: cannot re-use a name that is still in use\n" });
    const s = fresh.fork();
    expect(s.run(`helm install ngf ${CHART} -n nowhere`)).toEqual({ exitCode: 1, output: 'Pulled: ghcr.io/nginx/charts/nginx-gateway-fabric:2.6.7\nError: INSTALLATION FAILED: create: failed to create: namespaces "nowhere" not found\n' });
    const bare = session(createSession({ seed: 5, now: start }), start);
    expect(bare.run(INSTALL)).toEqual({
      exitCode: 1,
      output:
        'Pulled: ghcr.io/nginx/charts/nginx-gateway-fabric:2.6.7\nError: INSTALLATION FAILED: unable to build kubernetes objects from release manifest: resource mapping not found for name: "nginx" namespace: "" from "": no matches for kind "GatewayClass" in version "gateway.networking.k8s.io/v1"\nensure CRDs are installed first\n',
    });
    expect(s.run("helm install ngf")).toEqual({ exitCode: 1, output: "Error: INSTALLATION FAILED: must either provide a name or specify --generate-name\n" });
    expect(s.run("helm install ngf nginx-gateway-fabric")).toEqual({ exitCode: 1, output: "Error: INSTALLATION FAILED: non-absolute URLs should be in form of repo_name/path_to_chart, got: nginx-gateway-fabric\n" });
    expect(s.run("helm install ngf bitnami/nginx")).toEqual({ exitCode: 1, output: "Error: INSTALLATION FAILED: repo bitnami not found\n" });
    expect(s.run("helm install ngf ./chart")).toEqual({ exitCode: 1, output: 'Error: INSTALLATION FAILED: path "./chart" not found\n' });
    expect(s.run(`helm install NGF ${CHART}`).output).toContain('Error: INSTALLATION FAILED: release name "NGF": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53\n');
    expect(s.run(`helm install ngf ${CHART} --bogus`)).toEqual({ exitCode: 1, output: "Error: unknown flag: --bogus\n" });
    expect(s.run("helm frobnicate")).toEqual({ exitCode: 1, output: 'Error: unknown command "frobnicate" for "helm"\nRun \'helm --help\' for usage.\n' });
    expect(s.run("helm install")).toEqual({ exitCode: 1, output: 'Error: "helm install" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]\n' });
    expect(s.run("helm get values")).toEqual({ exitCode: 1, output: 'Error: "helm get values" requires 1 argument\n\nUsage:  helm get values RELEASE_NAME [flags]\n' });
  });
});

describe("helm install over objects it does not own, --dry-run, template", () => {
  it("refuses objects another install made (NGF's deploy.yaml by URL) as existingResourceConflict does", () => {
    const s = fresh.fork();
    expect(s.run("kubectl apply --server-side -f https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml").exitCode).toBe(0);
    expect(s.run("kubectl apply -f https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/default/deploy.yaml").exitCode).toBe(0);
    expect(s.run(INSTALL)).toEqual({
      exitCode: 1,
      output:
        'Pulled: ghcr.io/nginx/charts/nginx-gateway-fabric:2.6.7\nError: INSTALLATION FAILED: Unable to continue with install: GatewayClass "nginx" in namespace "" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to "ngf"; annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "nginx-gateway"\n',
    });
    expect(s.run("kubectl get secret -n nginx-gateway -l owner=helm").output).toBe("No resources found in nginx-gateway namespace.\n");
  });

  it("--dry-run renders and prints the hooks and the manifest without installing (the chart's CRDs must be there: a dry run does not install them)", () => {
    const s = fresh.fork();
    expect(s.run(`${INSTALL} --dry-run`).output).toContain('Error: INSTALLATION FAILED: unable to build kubernetes objects from release manifest: resource mapping not found for name: "ngf-config" namespace: "nginx-gateway" from "": no matches for kind "NginxGateway" in version "gateway.nginx.org/v1alpha1"\n');
    expect(s.run("kubectl apply --server-side -f https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml").exitCode).toBe(0);
    const r = s.run(`${INSTALL} --dry-run`);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain("STATUS: pending-install\nREVISION: 1\nTEST SUITE: None\nHOOKS:\n---\n# Source: nginx-gateway-fabric/templates/certs-job.yaml\napiVersion: v1\nkind: ServiceAccount\n");
    expect(r.output).toContain("MANIFEST:\n---\n# Source: nginx-gateway-fabric/templates/serviceaccount.yaml\n");
    expect(s.run("kubectl get ns nginx-gateway").output).toBe('Error from server (NotFound): namespaces "nginx-gateway" not found\n');
  });

  it("helm template prints the manifest, then the hooks, each after its source", () => {
    const r = fresh.run(`helm template ngf ${CHART} -n nginx-gateway --set nginxGateway.replicas=3`);
    expect(r.exitCode).toBe(0);
    const sources = [...r.output.matchAll(/^# Source: (.*)$/gm)].map((m) => m[1]);
    expect(sources).toEqual([
      "nginx-gateway-fabric/templates/serviceaccount.yaml",
      "nginx-gateway-fabric/templates/rbac.yaml",
      "nginx-gateway-fabric/templates/rbac.yaml",
      "nginx-gateway-fabric/templates/service.yaml",
      "nginx-gateway-fabric/templates/deployment.yaml",
      "nginx-gateway-fabric/templates/gatewayclass.yaml",
      "nginx-gateway-fabric/templates/nginxgateway.yaml",
      "nginx-gateway-fabric/templates/nginxproxy.yaml",
      "nginx-gateway-fabric/templates/certs-job.yaml",
      "nginx-gateway-fabric/templates/certs-job.yaml",
      "nginx-gateway-fabric/templates/certs-job.yaml",
      "nginx-gateway-fabric/templates/certs-job.yaml",
    ]);
    expect(r.output).toContain("\n  replicas: 3\n");
  });
});

describe("helm list, status, history, get", () => {
  it("lists the release in its namespace (uitable: cells padded, tab-separated), and in all with -A", () => {
    const expected = /^NAME\tNAMESPACE    \tREVISION\tUPDATED                      \tSTATUS  \tCHART                     \tAPP VERSION\nngf \tnginx-gateway\t1       \t2026-01-01 00:00:\d\d \+0000 UTC\tdeployed\tnginx-gateway-fabric-2\.6\.7\t2\.6\.7      \n$/;
    expect(installed.run("helm list -n nginx-gateway").output).toMatch(expected);
    expect(installed.run("helm ls -A").output).toMatch(expected);
    expect(installed.run("helm list").output).toBe("NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n");
    expect(installed.run("helm list -n nginx-gateway -q").output).toBe("ngf\n");
  });

  it("answers status, history, get values and get manifest", () => {
    expect(installed.run("helm status ngf -n nginx-gateway").output).toMatch(/^NAME: ngf\nLAST DEPLOYED: .*\nNAMESPACE: nginx-gateway\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\n$/);
    expect(installed.run("helm history ngf -n nginx-gateway").output).toMatch(/^REVISION\tUPDATED                 \tSTATUS  \tCHART                     \tAPP VERSION\tDESCRIPTION     \n1       \tThu Jan  1 00:00:\d\d 2026\tdeployed\tnginx-gateway-fabric-2\.6\.7\t2\.6\.7      \tInstall complete\n$/);
    expect(installed.run("helm get values ngf -n nginx-gateway").output).toBe("USER-SUPPLIED VALUES:\nnull\n");
    const manifest = installed.run("helm get manifest ngf -n nginx-gateway").output;
    expect(manifest.startsWith("---\n# Source: nginx-gateway-fabric/templates/serviceaccount.yaml\n")).toBe(true);
    expect(manifest).not.toContain("cert-generator");
    expect(installed.run("helm status ngf")).toEqual({ exitCode: 1, output: "Error: release: not found\n" });
    expect(installed.run("helm history nope -n nginx-gateway")).toEqual({ exitCode: 1, output: "Error: release: not found\n" });
  });
});

describe("helm upgrade and uninstall", () => {
  it("upgrades to revision 2 with --set, superseding revision 1, and the Deployment follows", () => {
    const s = installed.fork();
    const r = s.run(`helm upgrade ngf ${CHART} -n nginx-gateway --set nginxGateway.replicas=2`);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/^Pulled: .*\nRelease "ngf" has been upgraded\. Happy Helming!\nNAME: ngf\nLAST DEPLOYED: .*\nNAMESPACE: nginx-gateway\nSTATUS: deployed\nREVISION: 2\nTEST SUITE: None\n$/);
    s.wait(10);
    expect(s.run("kubectl get deploy -n nginx-gateway ngf-nginx-gateway-fabric -o jsonpath='{.spec.replicas} {.status.readyReplicas}'").output).toBe("2 2");
    const history = s.run("helm history ngf -n nginx-gateway").output.split("\n");
    expect(history[1]).toMatch(/^1 +\t.*\tsuperseded\t.*\tInstall complete$/);
    expect(history[2]).toMatch(/^2 +\t.*\tdeployed  \t.*\tUpgrade complete$/);
    expect(s.run("helm get values ngf -n nginx-gateway").output).toBe("USER-SUPPLIED VALUES:\nnginxGateway:\n  replicas: 2\n");
    expect(s.run("kubectl get secret -n nginx-gateway -l owner=helm -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.labels.status}{\"\\n\"}{end}'").output).toBe("sh.helm.release.v1.ngf.v1 superseded\nsh.helm.release.v1.ngf.v2 deployed\n");
  });

  it("rolls back to the previous revision as a new one (Rollback to N), and the Deployment follows", () => {
    const s = installed.fork();
    expect(s.run(`helm upgrade ngf ${CHART} -n nginx-gateway --set nginxGateway.replicas=3`).exitCode).toBe(0);
    expect(s.run("helm rollback ngf -n nginx-gateway")).toEqual({ exitCode: 0, output: "Rollback was a success! Happy Helming!\n" });
    const history = s.run("helm history ngf -n nginx-gateway").output.split("\n");
    expect(history.slice(1, 4).map((l) => l.split("\t").map((c) => c.trim())).map((c) => [c[0], c[2], c[5]])).toEqual([
      ["1", "superseded", "Install complete"],
      ["2", "superseded", "Upgrade complete"],
      ["3", "deployed", "Rollback to 1"],
    ]);
    s.wait(10);
    expect(s.run("kubectl get deploy -n nginx-gateway ngf-nginx-gateway-fabric -o jsonpath='{.spec.replicas}'").output).toBe("1");
    expect(s.run("helm get values ngf -n nginx-gateway").output).toBe("USER-SUPPLIED VALUES:\nnull\n");
    expect(s.run("helm rollback ngf 9 -n nginx-gateway")).toEqual({ exitCode: 1, output: "Error: release has no 9 version\n" });
    expect(s.run("helm rollback ngf one -n nginx-gateway")).toEqual({ exitCode: 1, output: 'Error: could not convert revision to a number: strconv.Atoi: parsing "one": invalid syntax\n' });
  });

  it("cannot reach a chart repository (no network): --repo and repo add fail as helm does offline", () => {
    const s = fresh.fork();
    const offline = 'looks like "https://kubernetes.github.io/ingress-nginx" is not a valid chart repository or cannot be reached: Get "https://kubernetes.github.io/ingress-nginx/index.yaml": dial tcp: lookup kubernetes.github.io on 127.0.0.53:53: no such host\n';
    expect(s.run("helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx --namespace ingress-nginx --create-namespace")).toEqual({
      exitCode: 1,
      output: `Release "ingress-nginx" does not exist. Installing it now.\nError: INSTALLATION FAILED: ${offline}`,
    });
    expect(s.run("helm repo add ingress-nginx https://kubernetes.github.io/ingress-nginx")).toEqual({ exitCode: 1, output: `Error: ${offline}` });
    expect(s.run("helm repo list")).toEqual({ exitCode: 1, output: "Error: no repositories to show\n" });
  });

  it("refuses to upgrade a release that is not there, and installs it with --install", () => {
    const s = fresh.fork();
    expect(s.run(`helm upgrade ngf ${CHART} -n default`)).toEqual({ exitCode: 1, output: 'Pulled: ghcr.io/nginx/charts/nginx-gateway-fabric:2.6.7\nError: UPGRADE FAILED: "ngf" has no deployed releases\n' });
    const r = s.run(`helm upgrade --install ngf ${CHART} -n default`);
    expect(r.exitCode).toBe(0);
    expect(r.output.startsWith('Release "ngf" does not exist. Installing it now.\nPulled: ')).toBe(true);
    expect(r.output).toContain("REVISION: 1\n");
  });

  it("uninstalls: the release's objects and Secrets are gone, the hooks' objects stay, as helm leaves them", () => {
    const s = installed.fork();
    expect(s.run("helm uninstall ngf -n nginx-gateway")).toEqual({ exitCode: 0, output: 'release "ngf" uninstalled\n' });
    expect(s.run("kubectl get deploy,svc,sa -n nginx-gateway -o name").output).toBe("serviceaccount/default\nserviceaccount/ngf-nginx-gateway-fabric-cert-generator\n");
    expect(s.run("kubectl get gatewayclass").output).toBe("No resources found\n");
    expect(s.run("kubectl get secret -n nginx-gateway -l owner=helm").output).toBe("No resources found in nginx-gateway namespace.\n");
    expect(s.run("helm list -A").output).toBe("NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n");
    expect(s.run("helm uninstall ngf -n nginx-gateway")).toEqual({ exitCode: 1, output: "Error: uninstall: Release not loaded: ngf: release: not found\n" });
    // The name is free again.
    expect(s.run(INSTALL).exitCode).toBe(0);
  });
});

const apply = (yaml: string) => `kubectl apply -f - <<'EOF'\n${yaml}EOF`;

describe("end to end: the Gateway API CRDs, helm install, a Gateway and an HTTPRoute", () => {
  it("programs the Gateway with an address and curl through it reaches the backend", () => {
    const s = installed.fork();
    expect(s.run(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: cafe\nspec:\n  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n")).exitCode).toBe(0);
    s.run(apply("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coffee\nspec:\n  selector:\n    matchLabels: {app: coffee}\n  template:\n    metadata:\n      labels: {app: coffee}\n    spec:\n      containers:\n      - name: echo\n        image: hashicorp/http-echo\n        args: [\"-text=coffee\"]\n"));
    s.run("kubectl expose deployment coffee --port=80 --target-port=5678");
    s.run(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: coffee\nspec:\n  parentRefs:\n  - name: cafe\n  hostnames: [cafe.example.com]\n  rules:\n  - matches:\n    - path: {type: PathPrefix, value: /coffee}\n    backendRefs:\n    - name: coffee\n      port: 80\n"));
    s.wait(15);
    // The data plane is named after the Gateway and class (not the release); the control plane after the release.
    const gateway = s.run("kubectl get gateway cafe");
    expect(gateway.output).toMatch(/^NAME +CLASS +ADDRESS +PROGRAMMED +AGE\ncafe +nginx +(\d+\.\d+\.\d+\.\d+) +True +\d+s\n$/);
    const address = /cafe +nginx +(\S+)/.exec(gateway.output)![1];
    expect(s.run("kubectl get deploy cafe-nginx -o jsonpath='{.metadata.labels.app\\.kubernetes\\.io/instance}'").output).toBe("ngf");
    expect(s.run(`curl -s -H 'Host: cafe.example.com' http://${address}/coffee`).output).toBe("coffee\n");
    expect(s.run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: cafe.example.com' http://${address}/tea`).output).toBe("404");
  });
});

describe("helm version and the workstation", () => {
  it("prints its build, and is only on the workstation", () => {
    expect(fresh.run("helm version").output).toBe('version.BuildInfo{Version:"v3.19.5", GitCommit:"4a19a5b6fb912c5c28a779e73f2e0880d9e239a4", GitTreeState:"clean", GoVersion:"go1.24.11"}\n');
    expect(fresh.run("ssh node01 helm version")).toEqual({ exitCode: 127, output: "bash: line 1: helm: command not found\n" });
  });
});
