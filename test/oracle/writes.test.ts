// Real kubectl writing through a session's Kubernetes API (over npm start's https address, where
// kubectl sends the editor's token), beside the console's kubectl running the same commands on a
// second session: what kubectl prints must be what the console prints, and each request must be a
// change of the session, listed in its transcript as the request it was.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { KUBECTL } from "./oracle.ts";

interface Session {
  id: string;
  editKey: string;
}

const MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: \"1\"\n";

/** Each write, as typed; `manifest` is written to ./cm.yaml first (the console gets it with cat <<EOF). */
const WRITES: Array<{ command: string; manifest?: string }> = [
  { command: "kubectl run web --image=nginx" },
  { command: "kubectl expose pod web --port 80 --type NodePort" },
  { command: "kubectl label pod web tier=front" },
  { command: "kubectl label pod web tier=back" },
  { command: "kubectl annotate pod web note=hello" },
  { command: "kubectl apply -f cm.yaml --validate=false", manifest: MANIFEST },
  { command: "kubectl apply -f cm.yaml --validate=false", manifest: MANIFEST.replace('"1"', '"2"') },
  { command: "kubectl apply -f cm.yaml --validate=false", manifest: MANIFEST.replace('"1"', '"2"') },
  // Made without apply: kubectl warns before its first apply patches in the annotation; with --save-config it does not.
  { command: "kubectl create configmap made --from-literal=level=1" },
  { command: "kubectl apply -f cm.yaml --validate=false", manifest: MANIFEST.replace("settings", "made") },
  { command: "kubectl create configmap saved --from-literal=level=1 --save-config" },
  { command: "kubectl apply -f cm.yaml --validate=false", manifest: MANIFEST.replace("settings", "saved") },
  { command: "kubectl scale deployment api --replicas=3" },
  { command: "kubectl set image deployment/api httpd=httpd:2.4" },
  { command: `kubectl patch deployment api -p '{"metadata":{"labels":{"tier":"back"}}}'` },
  { command: `kubectl patch deployment api --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'` },
  { command: "kubectl run web --image=nginx" },
  { command: "kubectl delete svc web" },
  { command: "kubectl delete deployment api" },
  { command: "kubectl delete pod web --wait=false" },
];

async function createSession(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: ["kubectl create deployment api --image=httpd --replicas=2"] }) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

async function consoleRun(baseUrl: string, session: Session, command: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` },
    body: JSON.stringify({ command }),
  });
  if (response.status !== 200) throw new Error(`command failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { output: string }).output;
}

/** GET over https from npm start's self-signed address (the certificate is made at start; nobody vouches for it). */
function getInsecure(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers, rejectUnauthorized: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${response.statusCode} ${body}`))));
    }).on("error", reject);
  });
}

/** The command line as a shell runs it (the console's shell quotes the same way), with real kubectl. */
function kubectl(kubeconfig: string, home: string, command: string): Promise<string> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`;
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (_error, stdout) => resolve(stdout));
  });
}

/**
 * kubectl 1.34 (the simulated cluster's, which the console follows) names the namespace in
 * delete's line (`pod "web" deleted from default namespace`); the oracle's client, 1.33, does not.
 */
function sameVersionWords(consoleOutput: string): string {
  return consoleOutput.replace(/^(\S+ "[^"]+" deleted) from \S+ namespace$/gm, "$1");
}

it("real kubectl's writes print what the console prints and are changes of the session, listed in its transcript", async () => {
  const baseUrl = inject("baseUrl");
  const viaApi = await createSession(baseUrl);
  const viaConsole = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-writes-"));
  try {
    const config = await getInsecure(`${inject("httpsUrl")}/api/sessions/${viaApi.id}/kubeconfig`, { Authorization: `Bearer ${viaApi.editKey}` });
    expect(config).toContain("insecure-skip-tls-verify: true");
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, config);
    const differing: Array<{ command: string; kubectl: string; console: string }> = [];
    for (const { command, manifest } of WRITES) {
      if (manifest !== undefined) {
        writeFileSync(join(home, "cm.yaml"), manifest);
        await consoleRun(baseUrl, viaConsole, `cat > cm.yaml <<'EOF'\n${manifest}EOF`);
      }
      const fromKubectl = await kubectl(kubeconfig, home, command);
      const fromConsole = sameVersionWords(await consoleRun(baseUrl, viaConsole, command));
      if (fromKubectl !== fromConsole) differing.push({ command, kubectl: fromKubectl, console: fromConsole });
    }
    expect(differing).toEqual([]);

    // The same cluster afterwards, as the console sees each session.
    for (const check of ["kubectl get cm settings -o jsonpath={.data.level}", "kubectl get svc", "kubectl get deploy", "kubectl get pod web -o jsonpath={.metadata.labels.tier}"]) {
      expect(await consoleRun(baseUrl, viaApi, check), check).toBe(await consoleRun(baseUrl, viaConsole, check));
    }

    const transcript = ((await (await fetch(`${baseUrl}/api/sessions/${viaApi.id}`)).json()) as { transcript: Array<{ command: string; output: string }> }).transcript;
    const requests = transcript.map((e) => `${e.command} => ${e.output.split(":")[0].trim()}`).filter((line) => line.startsWith("kubectl-client: "));
    expect(requests).toEqual(
      expect.arrayContaining([
        "kubectl-client: POST pods web => 201 Created",
        "kubectl-client: POST services web => 201 Created",
        "kubectl-client: PATCH pods web => 200 OK",
        "kubectl-client: POST configmaps settings => 201 Created",
        "kubectl-client: PATCH deployments/scale api => 200 OK",
        "kubectl-client: POST pods web => 409 Conflict",
        "kubectl-client: DELETE services web => 200 OK",
        "kubectl-client: DELETE deployments api => 200 OK",
        "kubectl-client: DELETE pods web => 200 OK",
      ]),
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

it("real kubectl delete pod, which waits for the pod to go (a list, then a watch from its resourceVersion), prints only its line", async () => {
  const baseUrl = inject("baseUrl");
  const session = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-delete-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
    for (const name of ["one", "two"]) await consoleRun(baseUrl, session, `kubectl run ${name} --image=nginx`);
    // Unwatched, the pods start while nothing is written: kubectl's list finds the cluster moved on.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await kubectl(kubeconfig, home, "kubectl delete pod one")).toBe('pod "one" deleted\n');
    expect(await kubectl(kubeconfig, home, "kubectl delete pod two")).toBe('pod "two" deleted\n');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

/** Typed creates, each twice (the second finds the object there) and some refused: kubectl wraps the server's error in some, not in others. */
const REFUSED_CREATES = [
  "kubectl create configmap cm1",
  "kubectl create secret generic s1",
  "kubectl create service clusterip svc1 --tcp=80:80",
  "kubectl create service nodeport np1 --tcp=80:80 --node-port=30080",
  "kubectl create service nodeport np2 --tcp=80:80 --node-port=30080",
  "kubectl create namespace ns1",
  "kubectl create serviceaccount sa1",
  "kubectl create deployment dep1 --image=nginx",
  "kubectl create deployment Dep1 --image=nginx",
  "kubectl create job j1 --image=busybox",
  "kubectl create quota q1 --hard=pods=1",
  "kubectl create ingress ing1 --rule=a.example/=svc:80",
  "kubectl create role r1 --verb=get --verb=list --resource=pods,deployments.apps,rs,pods/log --resource-name=a",
  "kubectl create role r2 --resource=pods",
  "kubectl create role r2 --verb=get",
  "kubectl create role r2 --verb=get --resource=foo",
  "kubectl create role r2 --verb=bind --resource=pods",
  "kubectl create role r2 --verb=fly --resource=pods --dry-run=client",
  "kubectl create clusterrole c1 --verb=get --resource=nodes",
  "kubectl create clusterrole c2 --verb=get",
  "kubectl create rolebinding rb1 --role=r1 --user=alice --group=devs --serviceaccount=default:builder",
  "kubectl create rolebinding rb2 --user=alice",
  "kubectl create rolebinding rb2 --role=a --clusterrole=b",
  "kubectl create rolebinding rb2 --role=a --serviceaccount=builder",
  "kubectl create clusterrolebinding crb1 --clusterrole=c1 --user=alice",
  "kubectl create clusterrolebinding crb2 --user=alice",
];

it("real kubectl's typed creates (RBAC ones too) print what the console prints, refusals included", async () => {
  const baseUrl = inject("baseUrl");
  const viaApi = await createSession(baseUrl);
  const viaConsole = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-create-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${viaApi.id}/kubeconfig`, { Authorization: `Bearer ${viaApi.editKey}` }));
    const differing: Array<{ command: string; kubectl: string; console: string }> = [];
    for (const command of [...REFUSED_CREATES, ...REFUSED_CREATES]) {
      const fromKubectl = await kubectl(kubeconfig, home, command);
      const fromConsole = await consoleRun(baseUrl, viaConsole, command);
      if (fromKubectl !== fromConsole) differing.push({ command, kubectl: fromKubectl, console: fromConsole });
    }
    expect(differing).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
