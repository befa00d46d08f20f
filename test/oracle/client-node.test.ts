// The official JavaScript client (@kubernetes/client-node) against a session's Kubernetes API on
// the real server (workerd): list, create, watch and exec as a learner's program would, each seen
// by the console on the same cluster.

import { get } from "node:https";
import { Writable } from "node:stream";
import { ApiException, CoreV1Api, Exec, KubeConfig, type V1ConfigMap, type V1Status, Watch } from "@kubernetes/client-node";
import { expect, inject, it } from "vitest";

interface Session {
  id: string;
  editKey: string;
}

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

function collector(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  return { stream, text: () => text };
}

it("@kubernetes/client-node lists, creates, watches and execs through the session's API, and the console sees it", async () => {
  const baseUrl = inject("baseUrl");
  const created = await fetch(`${baseUrl}/api/sessions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ setup: ["kubectl run web --image=nginx", "kubectl run box --image=busybox -- sleep 3600"] }) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as Session;
  const consoleRun = async (command: string) => {
    const response = await fetch(`${baseUrl}/api/sessions/${session.id}/commands`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.editKey}` }, body: JSON.stringify({ command }) });
    return ((await response.json()) as { output: string }).output;
  };
  const editor = new KubeConfig();
  editor.loadFromString(await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, { Authorization: `Bearer ${session.editKey}` }));
  const readOnly = new KubeConfig();
  // The client refuses a plain-http server unless told to skip TLS checks: the read-only one from https too.
  readOnly.loadFromString(await getInsecure(`${inject("httpsUrl")}/api/sessions/${session.id}/kubeconfig`, {}));
  const api = editor.makeApiClient(CoreV1Api);
  await new Promise((r) => setTimeout(r, 5000));

  // list: the pods the console lists.
  const pods = await api.listNamespacedPod({ namespace: "default" });
  expect(pods.items.map((p) => `pod/${p.metadata?.name}\n`).join("")).toBe(await consoleRun("kubectl get pods -o name"));
  expect(pods.items.find((p) => p.metadata?.name === "web")?.status?.phase).toBe("Running");

  // watch from the list's resourceVersion: what the console creates next arrives as ADDED.
  const events: string[] = [];
  const watch = new Watch(editor);
  const request = await watch.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: pods.metadata?.resourceVersion }, (type: string, object: V1ConfigMap) => events.push(`${type} ${object.metadata?.name}`), () => undefined);
  try {
    await consoleRun("kubectl create configmap from-console --from-literal=a=b");
    // create: a change of the session, which the console and the open watch both see.
    const made = await api.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "from-client" }, data: { greeting: "hello" } } });
    expect(made.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await consoleRun("kubectl get cm from-client -o jsonpath={.data.greeting}")).toBe("hello");
    const deadline = Date.now() + 10_000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(["ADDED from-console", "ADDED from-client"]);
  } finally {
    request.abort();
  }

  // The API server's refusals come as ApiExceptions carrying its Status.
  const conflict = await api.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "from-client" } } }).catch((error: unknown) => error);
  expect(conflict).toBeInstanceOf(ApiException);
  expect((conflict as ApiException<string>).code).toBe(409);
  const refused = await readOnly.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ApiException);
  expect((refused as ApiException<string>).code).toBe(403);
  expect(JSON.parse((refused as ApiException<string>).body) as { message: string }).toMatchObject({ message: 'configmaps is forbidden: User "system:anonymous" cannot create resource "configmaps" in API group "" in the namespace "default"' });

  // exec over the client's WebSocket (it offers v5 and the older protocols): output and the Status.
  const run = (command: string[]) =>
    new Promise<{ stdout: string; stderr: string; status: V1Status }>((resolve, reject) => {
      const out = collector();
      const err = collector();
      new Exec(editor).exec("default", "box", "box", command, out.stream, err.stream, null, false, (status) => resolve({ stdout: out.text(), stderr: err.text(), status })).catch(reject);
    });
  expect(await run(["hostname"])).toEqual({ stdout: "box\n", stderr: "", status: { metadata: {}, status: "Success" } });
  const failed = await run(["sh", "-c", "echo oops >&2; exit 2"]);
  expect(failed.stderr).toBe("oops\n");
  expect(failed.status).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "2" }] } });
  const transcript = ((await (await fetch(`${baseUrl}/api/sessions/${session.id}`)).json()) as { transcript: Array<{ command: string }> }).transcript.map((e) => e.command);
  expect(transcript).toEqual(expect.arrayContaining(["kubectl-client: POST configmaps from-client", "kubectl-client: exec box -- hostname"]));
});
