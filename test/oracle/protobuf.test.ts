// Real kubectl's typed creates, which send application/vnd.kubernetes.protobuf bodies, through a
// session's Kubernetes API (npm start's https address, where kubectl sends the editor's token),
// beside the console's kubectl running the same commands on a second session: what kubectl prints
// must be what the console prints, and the objects made must read the same in both.

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

/** Typed creates both kubectls run (each sends protobuf from real kubectl; the transcript shows it took). */
const CREATES = [
  "kubectl create configmap cm1 --from-literal=a=b --from-literal=c=d",
  "kubectl create secret generic s1 --from-literal=user=admin",
  "kubectl create secret docker-registry r1 --docker-server=x --docker-username=u --docker-password=p",
  "kubectl create deployment d1 --image=nginx --replicas=2 --port=80",
  "kubectl create deployment d2 --image=busybox -- sleep 3600",
  "kubectl create namespace ns1",
  "kubectl create service clusterip svc1 --tcp=80:8080",
  "kubectl create service nodeport svc2 --tcp=80:http",
  "kubectl create job j1 --image=busybox -- echo hi",
  "kubectl create serviceaccount sa1",
  "kubectl create quota q1 --hard=pods=10,cpu=2",
  "kubectl create ingress ing1 --rule=foo.com/bar=svc1:80",
  // A refused one: kubectl create namespace prints the server's Status as it is (create configmap,
  // secret, deployment, ... wrap it in "error: failed to create configmap: ...", which the
  // console's kubectl does not yet).
  "kubectl create namespace ns1",
];

/** What each object reads as afterwards, in the console of each session (fields no random draw touches). */
const CHECKS = [
  "kubectl get cm cm1 -o jsonpath={.data}",
  "kubectl get secret s1 -o jsonpath={.data}",
  "kubectl get secret r1 -o jsonpath={.type}",
  "kubectl get deploy d1 -o jsonpath={.spec.template.spec}",
  "kubectl get deploy d2 -o jsonpath={.spec.template.spec.containers[0].command}",
  "kubectl get ns ns1 -o jsonpath={.status.phase}",
  "kubectl get svc svc1 -o jsonpath={.spec.ports}",
  "kubectl get svc svc2 -o jsonpath={.spec.ports[0].targetPort}",
  "kubectl get job j1 -o jsonpath={.spec.template.spec}",
  "kubectl get quota q1 -o jsonpath={.spec}",
  "kubectl get ingress ing1 -o jsonpath={.spec}",
  // The ReplicaSet is named after a hash of the pod template: the same name, the same template.
  "kubectl get rs -l app=d1 -o name",
];

async function createSession(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: [] }) });
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

function kubectl(kubeconfig: string, home: string, command: string): Promise<string> {
  const line = `"$KUBECTL" --kubeconfig "$KUBECONFIG_FILE"${command.slice("kubectl".length)} 2>&1`;
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", line], { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, KUBECTL, KUBECONFIG_FILE: kubeconfig }, timeout: 30_000 }, (_error, stdout) => resolve(stdout));
  });
}

it("real kubectl's typed creates (protobuf bodies) print what the console prints and make the same objects", async () => {
  const baseUrl = inject("baseUrl");
  const viaApi = await createSession(baseUrl);
  const viaConsole = await createSession(baseUrl);
  const home = mkdtempSync(join(tmpdir(), "kube-oracle-protobuf-"));
  try {
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, await getInsecure(`${inject("httpsUrl")}/api/sessions/${viaApi.id}/kubeconfig`, { Authorization: `Bearer ${viaApi.editKey}` }));
    const differing: Array<{ command: string; kubectl: string; console: string }> = [];
    for (const command of CREATES) {
      const fromKubectl = await kubectl(kubeconfig, home, command);
      const fromConsole = await consoleRun(baseUrl, viaConsole, command);
      if (fromKubectl !== fromConsole) differing.push({ command, kubectl: fromKubectl, console: fromConsole });
    }
    expect(differing).toEqual([]);

    // The RBAC creates, which the console's kubectl does not have: kubectl's words, and the objects as the console reads them.
    expect(await kubectl(kubeconfig, home, "kubectl create role r1 --verb=get,list --resource=pods")).toBe("role.rbac.authorization.k8s.io/r1 created\n");
    expect(await kubectl(kubeconfig, home, "kubectl create rolebinding rb1 --role=r1 --serviceaccount=default:sa1")).toBe("rolebinding.rbac.authorization.k8s.io/rb1 created\n");
    expect(await kubectl(kubeconfig, home, "kubectl create clusterrole cr1 --verb=get --resource=nodes")).toBe("clusterrole.rbac.authorization.k8s.io/cr1 created\n");
    expect(await kubectl(kubeconfig, home, "kubectl create clusterrolebinding crb1 --clusterrole=cr1 --user=bob")).toBe("clusterrolebinding.rbac.authorization.k8s.io/crb1 created\n");
    expect(await consoleRun(baseUrl, viaApi, "kubectl get role r1 -o jsonpath={.rules}")).toBe('[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]');
    expect(await consoleRun(baseUrl, viaApi, "kubectl get rolebinding rb1 -o jsonpath={.subjects[0].name}/{.roleRef.name}")).toBe("sa1/r1");
    expect(await consoleRun(baseUrl, viaApi, "kubectl get clusterrolebinding crb1 -o jsonpath={.subjects[0].kind}:{.subjects[0].name}")).toBe("User:bob");

    for (const check of CHECKS) {
      expect(await consoleRun(baseUrl, viaApi, check), check).toBe(await consoleRun(baseUrl, viaConsole, check));
    }

    const transcript = ((await (await fetch(`${baseUrl}/api/sessions/${viaApi.id}`)).json()) as { transcript: Array<{ command: string; output: string }> }).transcript;
    const requests = transcript.map((e) => `${e.command} => ${e.output.split(":")[0].trim()}`).filter((line) => line.startsWith("kubectl-client: "));
    expect(requests).toEqual(
      expect.arrayContaining([
        "kubectl-client: POST configmaps cm1 => 201 Created",
        "kubectl-client: POST deployments d1 => 201 Created",
        "kubectl-client: POST namespaces ns1 => 201 Created",
        "kubectl-client: POST roles r1 => 201 Created",
        "kubectl-client: POST namespaces ns1 => 409 Conflict",
      ]),
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
