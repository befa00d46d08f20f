import { describe, expect, it } from "vitest";
import { command, createSession, type Entry, errorOf, isCommand, isType, postJson, randomClientIp, read, request, run, Watcher } from "../helpers.ts";

const ID = /^[A-Za-z0-9_-]{22}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;

describe("POST /api/sessions", () => {
  it("creates a session with a random 128-bit id and a 256-bit edit key, URL-safe", async () => {
    const response = await postJson("/api/sessions", {});
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; editKey: string; seq: number; prompt: string };
    expect(body.id).toMatch(ID);
    expect(body.editKey).toMatch(KEY);
    expect(body.seq).toBe(0);
    expect(body.prompt).toBe("student@workstation:~$ ");
    expect(response.headers.get("Location")).toBe(`/api/sessions/${body.id}`);
    const other = await createSession();
    expect(other.id).not.toBe(body.id);
    expect(other.editKey).not.toBe(body.editKey);
  });

  it("accepts an empty body as {}", async () => {
    const response = await request("/api/sessions", { method: "POST" });
    expect(response.status).toBe(201);
  });

  it("runs setup commands first and records them in the transcript marked as setup", async () => {
    const created = await createSession({ setup: ["echo one", "echo two"] });
    expect(created.seq).toBe(2);
    const view = await read(created.id);
    expect(view.transcript.map((e) => [e.seq, e.command, e.setup])).toEqual([
      [1, "echo one", true],
      [2, "echo two", true],
    ]);
  });

  it.each([
    ["not JSON", "{nope", 400, "bad_json"],
    ["an array", "[]", 400, "bad_request"],
    ["an unknown field", { colour: "blue" }, 400, "bad_request"],
    ["setup that is not a list of strings", { setup: [1, 2] }, 400, "bad_request"],
    ["more than 50 setup commands", { setup: Array.from({ length: 51 }, () => "true") }, 400, "bad_request"],
    ["a setup command over 8 KB", { setup: ["x".repeat(8 * 1024 + 1)] }, 400, "bad_request"],
    ["an unknown lesson", { lesson: "services-101" }, 400, "unknown_lesson"],
    ["a malformed uploaded-lesson id", { lesson: "u-../../x" }, 400, "unknown_lesson"],
    ["both a snapshot and a lesson", { from: "AAAAAAAAAAAAAAAAAAAAAA", lesson: "services-nodeport" }, 400, "bad_request"],
    ["a malformed snapshot id", { from: "../../etc" }, 404, "snapshot_not_found"],
    ["a network plugin that is not offered", { cluster: { cni: "weave" } }, 400, "bad_request"],
    ["an unknown cluster option", { cluster: { storage: "ceph" } }, 400, "bad_request"],
    ["both a snapshot and a cluster", { from: "AAAAAAAAAAAAAAAAAAAAAA", cluster: { cni: "calico" } }, 400, "bad_request"],
    ["an unknown snapshot id", { from: "AAAAAAAAAAAAAAAAAAAAAA" }, 404, "snapshot_not_found"],
  ])("refuses %s", async (_name, body, status, code) => {
    const response = await postJson("/api/sessions", body);
    expect(await errorOf(response)).toMatchObject({ status, code });
  });

  it("builds the cluster it is asked for (cni, load balancer, ingress) and reports it in the view", async () => {
    const created = await createSession({ cluster: { cni: "calico", loadBalancer: "none" } });
    const view = await read(created.id);
    expect(view.cluster.profile).toEqual({ cni: "calico", loadBalancer: "none", ingress: "none" });
    const plain = await read((await createSession()).id);
    expect(plain.cluster.profile).toEqual({ cni: "flannel", loadBalancer: "metallb", ingress: "none" });
  });

  it("names the allowed values when a cluster option is wrong", async () => {
    const response = await postJson("/api/sessions", { cluster: { cni: "weave" } });
    expect((await errorOf(response)).message).toContain("cni must be flannel or calico");
  });

  it("refuses a body over 16 KB with 413, by Content-Length and by what really arrives", async () => {
    const big = JSON.stringify({ setup: ["x".repeat(17 * 1024)] });
    expect((await errorOf(await postJson("/api/sessions", big))).status).toBe(413);
    // A streamed body has no Content-Length: the limit is enforced on the bytes read.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const response = await request("/api/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: stream });
    expect(await errorOf(response)).toMatchObject({ status: 413, code: "payload_too_large" });
  });

  it("checks the size of what arrived even when Content-Length claims less", async () => {
    const big = JSON.stringify({ setup: ["x".repeat(17 * 1024)] });
    const response = await request("/api/sessions", { method: "POST", headers: { "Content-Type": "application/json", "Content-Length": "100" }, body: big });
    expect(await errorOf(response)).toMatchObject({ status: 413, code: "payload_too_large" });
  });
});

describe("GET /api/sessions/:id", () => {
  it("returns the cluster view, the prompt and the transcript, never the edit key or its hash", async () => {
    const created = await createSession();
    await run(created.id, created.editKey, "echo hi");
    const response = await request(`/api/sessions/${created.id}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(created.editKey);
    expect(text).not.toMatch(/keyHash|editKey/);
    const view = JSON.parse(text);
    expect(view).toMatchObject({ id: created.id, seq: 1, prompt: "student@workstation:~$ ", transcriptStart: 1 });
    expect(view.cluster).toHaveProperty("nodes");
    expect(view.cluster).toHaveProperty("pods");
    expect(view.cluster).toHaveProperty("services");
    expect(view.transcript).toHaveLength(1);
  });

  it.each([
    ["an unknown id", "AAAAAAAAAAAAAAAAAAAAAA"],
    ["a malformed id", "not-an-id"],
    ["an id of the right length with an impossible last character", "AAAAAAAAAAAAAAAAAAAAAB"],
  ])("answers 404 for %s", async (_name, id) => {
    expect(await errorOf(await request(`/api/sessions/${id}`))).toMatchObject({ status: 404, code: "session_not_found" });
  });
});

describe("POST /api/sessions/:id/commands", () => {
  it("answers seq, command, output, exitCode and prompt; a failing command is a 200 with its exit code", async () => {
    const created = await createSession();
    const response = await command(created.id, created.editKey, "no-such-program --flag");
    expect(response.status).toBe(200);
    const entry = await response.json();
    expect(entry).toMatchObject({ seq: 1, command: "no-such-program --flag", exitCode: 127, prompt: "student@workstation:~$ ", traces: [] });
    expect((entry as { output: string }).output).toBe("no-such-program: command not found\n");
  });

  it("answers the stored transcript entry plus changed, lesson and trace, in that order, and broadcasts the same entry", async () => {
    const created = await createSession({ setup: ["kubectl run web --image=nginx"] });
    const watcher = await Watcher.open(created.id);
    const response = await command(created.id, created.editKey, "curl -m 2 http://10.96.0.1/");
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    const reply = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(reply)).toEqual(["seq", "command", "output", "exitCode", "prompt", "traces", "at", "changed", "trace"]);
    const stored = (await read(created.id)).transcript.find((e) => e.seq === reply.seq)!;
    const { changed, trace, ...entry } = reply;
    expect(entry).toEqual(stored);
    expect(trace).toEqual((stored.traces as unknown[])[0]);
    expect(typeof changed).toBe("boolean");
    expect((await watcher.next(isType("command"))).entry).toEqual(stored);
    watcher.close();
    const plain = (await (await command(created.id, created.editKey, "kubectl get pods")).json()) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(["seq", "command", "output", "exitCode", "prompt", "traces", "at", "changed"]);
  });

  it("answers a pasted command's hint as its own field, stored and broadcast with the entry, never in the output", async () => {
    const created = await createSession({ setup: ["kubectl run web --image=nginx"] });
    const watcher = await Watcher.open(created.id);
    const pasted = "kubectl expose pod web –name web-svc –port 8080 –target-port 80 –type NodePort";
    const reply = await run(created.id, created.editKey, pasted);
    expect(reply).toMatchObject({ exitCode: 1, output: "error: couldn't find port via --port flag or introspection\n" });
    expect(reply.hint).toEqual({
      message: "pasted text has 4 × en dash (U+2013): options start with a plain `-` or `--`, so these were passed on as words.",
      corrected: "kubectl expose pod web --name web-svc --port 8080 --target-port 80 --type NodePort",
      found: ["en dash (U+2013)"],
    });
    const stored = (await read(created.id)).transcript.find((e) => e.seq === reply.seq)!;
    expect(stored.hint).toEqual(reply.hint);
    expect(((await watcher.next(isCommand(reply.seq))).entry as Entry).hint).toEqual(reply.hint);
    watcher.close();
    const fixed = await run(created.id, created.editKey, reply.hint!.corrected);
    expect(fixed).toMatchObject({ exitCode: 0, output: "service/web-svc exposed\n" });
    expect(fixed).not.toHaveProperty("hint");
  });

  it("keeps the last 20 routes of a loop of requests in the entry, and answers with the last one", async () => {
    const created = await createSession({ setup: ["kubectl run web --image=nginx", "kubectl expose pod web --port 80 --type NodePort"] });
    await run(created.id, created.editKey, "sleep 3");
    const reply = (await (await command(created.id, created.editKey, "NP=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'); for i in $(seq 30); do curl -s -o /dev/null http://192.168.56.11:$NP; done")).json()) as {
      traces: Array<{ verdict: string }>;
      trace: unknown;
    };
    expect(reply.traces).toHaveLength(20);
    expect(reply.traces.every((t) => t.verdict === "answered")).toBe(true);
    expect(reply.trace).toEqual(reply.traces[19]);
  });

  it("numbers commands 1, 2, 3 in the order they were applied", async () => {
    const created = await createSession();
    for (let i = 1; i <= 3; i++) expect((await run(created.id, created.editKey, `echo ${i}`)).seq).toBe(i);
    expect((await read(created.id)).transcript.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it.each([
    ["no Authorization header", undefined, "read-only"],
    ["a wrong key", "A".repeat(43), "not this session's key"],
    ["another session's key", "other", "not this session's key"],
  ])("answers 403 and changes nothing with %s", async (_name, key, message) => {
    const created = await createSession();
    const other = await createSession();
    const presented = key === "other" ? other.editKey : key;
    const error = await errorOf(await command(created.id, presented, "echo hi"));
    expect(error).toMatchObject({ status: 403, code: "forbidden" });
    expect(error.message).toContain(message);
    const view = await read(created.id);
    expect(view.seq).toBe(0);
    expect(view.transcript).toEqual([]);
  });

  it("treats an Authorization scheme other than Bearer as no key", async () => {
    const created = await createSession();
    const response = await postJson(`/api/sessions/${created.id}/commands`, { command: "echo" }, { Authorization: `Basic ${created.editKey}` });
    expect((await errorOf(response)).status).toBe(403);
  });

  it.each([
    ["not JSON", "command: ls"],
    ["no command", {}],
    ["a command that is not a string", { command: ["ls"] }],
    ["a command over 8 KB", { command: "x".repeat(8 * 1024 + 1) }],
    ["extra fields", { command: "ls", sudo: true }],
  ])("answers 400 for %s", async (_name, body) => {
    const created = await createSession();
    const response = await postJson(`/api/sessions/${created.id}/commands`, body, { Authorization: `Bearer ${created.editKey}` });
    expect((await errorOf(response)).status).toBe(400);
    expect((await read(created.id)).seq).toBe(0);
  });

  it("answers 404 for an unknown session, before looking at the key", async () => {
    expect(await errorOf(await command("AAAAAAAAAAAAAAAAAAAAAA", undefined, "ls"))).toMatchObject({ status: 404, code: "session_not_found" });
  });

  it("answers 429 with Retry-After beyond the burst, and the refused commands are not stored", async () => {
    const created = await createSession();
    // 40 at once, plus what 20/s refills while a batch runs: on a loaded machine a batch of 100 can
    // take long enough to be refilled, so batches go on until one is refused.
    const responses: Response[] = [];
    for (let round = 0; round < 5 && !responses.some((r) => r.status === 429); round++) {
      responses.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => command(created.id, created.editKey, `echo ${round}-${i}`)))));
    }
    const statuses = responses.map((r) => r.status);
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(40);
    expect(accepted).toBeLessThan(statuses.length);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    const limited = responses.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(limited)).toMatchObject({ code: "rate_limited" });
    expect((await read(created.id)).seq).toBe(accepted);
  });
});

describe("the command bucket is charged for the work a command did", () => {
  it("answers 429 after a handful of commands stopped at the work budget, while 40 ordinary commands at once all run", async () => {
    const heavy = await createSession();
    let accepted = 0;
    let refused: Response | undefined;
    while (!refused && accepted < 40) {
      const response = await command(heavy.id, heavy.editKey, "for i in {1..1000}; do seq 100000 | grep -c 9; done");
      if (response.status === 429) refused = response;
      else {
        expect(((await response.json()) as { exitCode: number }).exitCode).toBe(137);
        accepted++;
      }
    }
    // A burst of 40 tokens, 20 a command stopped at the budget, plus what refills while they run.
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(accepted).toBeLessThan(5);
    // At once, while the refusal may still hold: the key holder again (the Worker may answer from
    // memory), and someone with a wrong key.
    const [again, wrongKey] = await Promise.all([command(heavy.id, heavy.editKey, "echo again"), command(heavy.id, "x".repeat(43), "echo again")]);
    const refusal = /^Too many commands for this session \(at most 20 per second, bursts of 40; a command that did heavy work, such as a long loop, counts as up to 20\); retry in \d+ s\.$/;
    expect(Number(refused!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(refused!)).toMatchObject({ status: 429, code: "rate_limited", message: expect.stringMatching(refusal) });
    // The bucket may have refilled meanwhile (a busy machine); a refusal, if it is one, is the same.
    if (again.status === 429) {
      expect(Number(again.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(await errorOf(again)).toMatchObject({ status: 429, code: "rate_limited", message: expect.stringMatching(refusal) });
    } else expect(again.status).toBe(200);
    // A wrong key is told so by the session, never refused for the key holder's empty bucket.
    expect(await errorOf(wrongKey)).toMatchObject({ status: 403, code: "forbidden" });
    const plain = await createSession();
    const statuses = await Promise.all(Array.from({ length: 40 }, () => command(plain.id, plain.editKey, "kubectl get svc").then((r) => r.status)));
    expect(statuses).toEqual(statuses.map(() => 200));
  });
});

describe("POST /api/sessions from one address", () => {
  const createFrom = (ip: string | null) => request("/api/sessions", { method: "POST", headers: ip === null ? {} : { "CF-Connecting-IP": ip } });

  it("lets a class of 50 join within a minute, refuses past the burst of 60 with 429 and Retry-After, and leaves other addresses alone", async () => {
    const ip = randomClientIp();
    const started = Date.now();
    const statuses = (await Promise.all(Array.from({ length: 60 }, () => createFrom(ip)))).map((r) => r.status);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    // One a second flows back in while they are created (a few seconds here): those pass too.
    let extra = 0;
    let refused = await createFrom(ip);
    while (refused.status === 201 && extra < 30) {
      extra++;
      refused = await createFrom(ip);
    }
    expect(extra).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
    expect(await errorOf(refused)).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect((await createFrom(randomClientIp())).status).toBe(201);
  }, 30_000);

  it("answers a burst past the limit with the limiter's own 429, and admits the next create once a token is back", async () => {
    const ip = randomClientIp();
    await Promise.all(Array.from({ length: 60 }, () => createFrom(ip).then((r) => r.body?.cancel())));
    let created = 0;
    let refusedAt = Date.now();
    while ((await createFrom(ip)).status === 201 && created < 30) {
      created++;
      refusedAt = Date.now();
    }
    // Refused now: these are answered from the Worker's memory of the refusal, the same as the
    // limiter's; a token that came back since (one a second) lets one through.
    const burst = await Promise.all(Array.from({ length: 20 }, () => createFrom(ip)));
    const admitted = burst.filter((r) => r.status === 201);
    expect(admitted.length).toBeLessThanOrEqual(Math.ceil((Date.now() - refusedAt) / 1000));
    for (const response of burst.filter((r) => r.status !== 201)) {
      expect(response.headers.get("Retry-After")).toBe("1");
      expect(await errorOf(response)).toEqual({ status: 429, code: "rate_limited", message: "Too many new sessions from your address (at most 60 a minute, bursts of 60); retry in 1 s." });
    }
    // 60 a minute: one token a second. The remembered refusal ends no later than the bucket's own.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await createFrom(ip)).status).toBe(201);
  }, 30_000);

  it("counts attempts that fail too: the parser is guarded as well", async () => {
    const ip = randomClientIp();
    const started = Date.now();
    const bad = await Promise.all(Array.from({ length: 60 }, () => postJson("/api/sessions", "{nope", { "CF-Connecting-IP": ip })));
    expect(bad.every((r) => r.status === 400)).toBe(true);
    let created = 0;
    while ((await createFrom(ip)).status === 201 && created < 30) created++;
    expect(created).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
  }, 30_000);

  it("runs setup commands against the new session's command limit: 50 of them leave the editor waiting", async () => {
    const started = Date.now();
    const created = await createSession({ setup: Array.from({ length: 50 }, (_, i) => `echo ${i}`) });
    expect(created.seq).toBe(50);
    // The bucket refills 20 commands a second (50 setups leave it 10 in debt), so on a slow machine a few may pass
    // before the 429: never more than the refill since the create began.
    let passed = 0;
    let response = await command(created.id, created.editKey, "echo after");
    while (response.status === 200 && passed < 200) {
      passed++;
      response = await command(created.id, created.editKey, "echo after");
    }
    expect(passed).toBeLessThanOrEqual(Math.max(0, Math.ceil(((Date.now() - started) / 1000) * 20) - 10));
    expect(await errorOf(response)).toMatchObject({ status: 429, code: "rate_limited" });
    expect((await read(created.id)).seq).toBe(50 + passed);
  });
});

describe("setup commands share one work budget", () => {
  it("stops the setup line that uses the list's budget up, and every one after it, as killed jobs", async () => {
    const heavy = "seq 20000 | wc -l";
    const created = await createSession({ setup: [heavy, heavy, heavy, "echo after"] });
    const view = await read(created.id);
    expect(view.transcript.map((e) => e.exitCode)).toEqual([0, 0, 137, 137]);
    expect(view.transcript[2].output).toMatch(/^Killed\n/);
    // The same line alone, as a command, has a budget of its own.
    expect((await run(created.id, created.editKey, heavy)).exitCode).toBe(0);
  }, 30_000);
});

describe("setup commands take turns with other sessions", () => {
  it("another session's commands answer while a new session runs its 50 setup lines", async () => {
    const other = await createSession();
    await run(other.id, other.editKey, "kubectl get svc");
    let created = false;
    const creating = postJson("/api/sessions", { setup: Array.from({ length: 50 }, () => "echo hi") }).then(async (response) => {
      expect(response.status).toBe(201);
      await response.body?.cancel();
      created = true;
    });
    let answered = 0;
    while (!created) {
      await run(other.id, other.editKey, "kubectl get svc");
      answered++;
    }
    await creating;
    // The list run in one go answered 2 in its time (only before its first line); a turn per line, 10 to 16.
    expect(answered).toBeGreaterThanOrEqual(5);
  }, 30_000);
});

describe("unknown API paths", () => {
  it.each([
    ["GET", "/api/nothing"],
    ["DELETE", "/api/sessions/AAAAAAAAAAAAAAAAAAAAAA"],
    ["PUT", "/api/sessions"],
    ["GET", "/api"],
  ])("%s %s answers 404 in the error shape", async (method, path) => {
    expect(await errorOf(await request(path, { method }))).toMatchObject({ status: 404, code: "not_found" });
  });

  it("GET /live without an upgrade answers 426", async () => {
    const created = await createSession();
    expect(await errorOf(await request(`/api/sessions/${created.id}/live`))).toMatchObject({ status: 426, code: "upgrade_required" });
  });

  it("GET /live with a malformed since answers 400", async () => {
    const created = await createSession();
    const response = await request(`/api/sessions/${created.id}/live?since=-1`, { headers: { Upgrade: "websocket" } });
    expect(await errorOf(response)).toMatchObject({ status: 400 });
  });
});

describe("command bodies", () => {
  it("over 16 KB answer 413 and change nothing", async () => {
    const created = await createSession();
    const response = await postJson(`/api/sessions/${created.id}/commands`, { command: "x".repeat(17 * 1024) }, { Authorization: `Bearer ${created.editKey}` });
    expect(await errorOf(response)).toMatchObject({ status: 413, code: "payload_too_large" });
    expect((await read(created.id)).seq).toBe(0);
  });
});
