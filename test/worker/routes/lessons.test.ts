import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock, createSession, errorOf, isType, postJson, read, request, run, Watcher } from "../helpers.ts";

const LESSON_YAML = `id: my-first-lesson
title: A pod
summary: Run one pod.
steps:
  - id: run-it
    title: Run it
    text: Run \`kubectl run web --image=nginx\`.
    check:
      object:
        kind: Pod
        name: web
solution:
  - kubectl run web --image=nginx
`;

/** A client address of its own for every upload unless given: tests do not share a rate-limit bucket. */
function upload(text: string, contentType = "text/yaml", clientIp: string | null = randomIp()): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": contentType };
  if (clientIp !== null) headers["CF-Connecting-IP"] = clientIp;
  return request("/api/lessons", { method: "POST", headers, body: text });
}

function randomIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

/** A small valid lesson whose content (and so id) depends on `n`. */
const lessonNumbered = (n: string) => LESSON_YAML.replace("title: A pod", `title: A pod ${n}`);

interface LessonBlock {
  lesson: { id: string };
  progress: { lessonId: string; currentStep: number; completed: string[] };
  status: { stepId: string; passed: boolean } | null;
}

describe("/api/lessons", () => {
  it("lists the built-in lessons", async () => {
    const response = await request("/api/lessons");
    expect(response.status).toBe(200);
    const { lessons } = (await response.json()) as { lessons: Array<{ id: string; title: string; summary: string; steps: number }> };
    expect(lessons.map((l) => l.id)).toContain("services-nodeport");
    for (const lesson of lessons) expect(lesson.steps).toBeGreaterThan(0);
  });

  it("answers one lesson by id, 404 for an unknown one", async () => {
    const response = await request("/api/lessons/services-nodeport");
    expect(((await response.json()) as { lesson: { id: string } }).lesson.id).toBe("services-nodeport");
    expect(await errorOf(await request("/api/lessons/no-such-lesson"))).toMatchObject({ status: 404, code: "lesson_not_found" });
    expect((await request("/api/lessons/u-AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  });

  it("stores an uploaded YAML lesson under an id made from its content, which sessions can follow", async () => {
    const response = await upload(LESSON_YAML);
    expect(response.status).toBe(201);
    const { id, lesson } = (await response.json()) as { id: string; lesson: { id: string } };
    expect(id).toMatch(/^u-[A-Za-z0-9_-]{22}$/);
    expect(lesson.id).toBe("my-first-lesson");
    expect(((await (await request(`/api/lessons/${id}`)).json()) as { lesson: { id: string } }).lesson.id).toBe("my-first-lesson");

    const session = await createSession({ lesson: id });
    const reply = (await run(session.id, session.editKey, "kubectl run web --image=nginx")) as unknown as { lesson: { events: Array<{ type: string }> } };
    expect(reply.lesson.events.map((e) => e.type)).toEqual(["step-completed", "lesson-completed"]);
  });

  it("accepts the same lesson as JSON", async () => {
    const json = JSON.stringify({ id: "json-lesson", title: "T", summary: "S", steps: [{ id: "a", title: "A", text: "x", check: { object: { kind: "Pod", name: "web" } } }], solution: ["kubectl run web --image=nginx"] });
    const response = await upload(json, "application/json");
    expect(response.status).toBe(201);
    expect(response.headers.get("Location")).toBe(`/api/lessons/${((await response.json()) as { id: string }).id}`);
  });

  it("refuses an invalid lesson with every error, naming its path", async () => {
    const error = await upload("id: Not A Slug\ntitle: x\nsteps: []\n");
    expect(error.status).toBe(400);
    const body = (await error.json()) as { error: { code: string; message: string; details: string[] } };
    expect(body.error.code).toBe("invalid_lesson");
    expect(body.error.details.length).toBeGreaterThan(1);
    expect(body.error.message).toBe(body.error.details[0]);
  });

  it("refuses a lesson file over 64 KB", async () => {
    expect(await errorOf(await upload(`${LESSON_YAML}# ${"x".repeat(65 * 1024)}\n`))).toMatchObject({ status: 413 });
  });
});

describe("uploaded lessons: one id per content", () => {
  it("answers an identical upload with the same id (200, nothing stored again), also when the file is JSON", async () => {
    const text = lessonNumbered("same");
    const first = await upload(text);
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await upload(text);
    expect(again.status).toBe(200);
    expect(again.headers.get("Location")).toBe(`/api/lessons/${id}`);
    expect(((await again.json()) as { id: string }).id).toBe(id);
    // Other spacing, a comment, and the same lesson written as JSON: the same lesson, the same id.
    const reformatted = await upload(`# the same lesson\n${text.replace("title: A pod same", "title:    A pod same")}`);
    expect(((await reformatted.json()) as { id: string }).id).toBe(id);
    const asJson = JSON.stringify({ solution: ["kubectl run web --image=nginx"], id: "my-first-lesson", title: "A pod same", summary: "Run one pod.", steps: [{ id: "run-it", title: "Run it", text: "Run `kubectl run web --image=nginx`.", check: { object: { kind: "Pod", name: "web" } } }] });
    expect(((await (await upload(asJson, "application/json")).json()) as { id: string }).id).toBe(id);
  });

  it("gives different lessons different ids", async () => {
    const ids = new Set<string>();
    for (const n of ["a", "b", "c"]) ids.add(((await (await upload(lessonNumbered(n))).json()) as { id: string }).id);
    expect(ids.size).toBe(3);
  });
});

describe("uploaded lessons: rate limit per client address", () => {
  it("allows 10 uploads a minute from one address, then answers 429 with Retry-After; other addresses are not affected", async () => {
    const ip = randomIp();
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await upload(lessonNumbered(`limit-${ip}-${i}`), "text/yaml", ip)).status);
    expect(statuses).toEqual(Array(10).fill(201));
    // One upload every 6 s refills: on a loaded machine the ten can take long enough for one more.
    let refused: Response | undefined;
    let refilled = 0;
    for (let i = 0; i < 5 && !refused; i++) {
      const response = await upload(lessonNumbered(`limit-${ip}-x${i}`), "text/yaml", ip);
      if (response.status === 429) refused = response;
      else {
        expect(response.status).toBe(201);
        refilled++;
      }
    }
    const elapsed = (Date.now() - started) / 1000;
    expect(refused?.status).toBe(429);
    expect(refilled).toBeLessThanOrEqual(Math.ceil(elapsed / 6));
    // The next token is at most 6 s away, and no sooner than the time not yet refilled.
    expect(Number(refused!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(Math.max(1, 5 - Math.ceil(elapsed)));
    expect(Number(refused!.headers.get("Retry-After"))).toBeLessThanOrEqual(6);
    expect(await errorOf(refused!)).toMatchObject({ code: "rate_limited" });
    // Invalid files count too (the limit guards the parser), and the refusal comes before reading the body.
    expect((await upload("not: a lesson", "text/yaml", ip)).status).toBe(429);
    expect((await upload(lessonNumbered(`other-${ip}`), "text/yaml", randomIp())).status).toBe(201);
  });

  it("counts IPv6 addresses by their /64", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    for (let i = 0; i < 10; i++) expect((await upload(lessonNumbered(`v6-${prefix}-${i}`), "text/yaml", `${prefix}::${i + 1}`)).status).toBe(201);
    expect((await upload(lessonNumbered(`v6-${prefix}-x`), "text/yaml", `${prefix}:0:0:0:ffff`)).status).toBe(429);
  });

  it("puts requests without CF-Connecting-IP (local runs) in one shared bucket", async () => {
    let refused = 0;
    for (let i = 0; i < 12; i++) if ((await upload(lessonNumbered(`local-${i}`), "text/yaml", null)).status === 429) refused++;
    expect(refused).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [undefined, "local"],
    ["", "local"],
    ["203.0.113.7", "ip:203.0.113.7"],
    ["2001:db8:a:b:c:d:e:f", "ip6:2001:db8:a:b"],
    ["2001:0db8:000a::1", "ip6:2001:db8:a:0"],
    ["::1", "ip6:0:0:0:0"],
    ["2001:DB8::", "ip6:2001:db8:0:0"],
  ])("keys %j as %j", async (ip, key) => {
    const { clientKey } = await import("../../../worker/session/client-key.ts");
    expect(clientKey(ip)).toBe(key);
  });
});

describe("uploaded lessons: expiry", () => {
  const stubOf = (id: string) => env.LESSONS.get(env.LESSONS.idFromName(id));
  const YEAR = 365 * 24 * 60 * 60 * 1000;

  /** Moves the lesson's last use back by `ms`, as if that much time had passed. */
  async function age(id: string, ms: number): Promise<void> {
    await runInDurableObject(stubOf(id), (instance, state) => {
      state.storage.sql.exec("UPDATE lesson_use SET used_at = used_at - ?", ms);
      (instance as unknown as { usedAt: number | undefined }).usedAt = undefined;
    });
  }

  it("deletes a lesson unused for a year when its alarm fires", async () => {
    const { id } = (await (await upload(lessonNumbered("expiring"))).json()) as { id: string };
    await age(id, YEAR + 1000);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    expect(await errorOf(await request(`/api/lessons/${id}`))).toMatchObject({ status: 404, code: "lesson_not_found" });
    expect((await createSession({ lesson: id }).catch((e: Error) => e.message))).toMatch(/400/);
    // Uploaded again, it is back under the same id.
    expect((await upload(lessonNumbered("expiring"))).status).toBe(201);
  });

  it("keeps a lesson that was used within the year and sets its alarm a year after that use", async () => {
    const { id } = (await (await upload(lessonNumbered("used"))).json()) as { id: string };
    await age(id, YEAR - 2 * 24 * 60 * 60 * 1000);
    // A read counts as use (written down at most daily).
    expect((await request(`/api/lessons/${id}`)).status).toBe(200);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    expect((await request(`/api/lessons/${id}`)).status).toBe(200);
    await runInDurableObject(stubOf(id), async (_instance, state) => {
      const alarm = await state.storage.getAlarm();
      expect(alarm).toBeGreaterThan(Date.now() + YEAR - 60_000);
    });
  });
});

describe("a session that follows a lesson", () => {
  it("starts at the first step, advances with commands, and tells watchers", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    expect(session).toMatchObject({ lesson: "services-nodeport" });
    const start = (await read(session.id)) as unknown as { lesson: LessonBlock };
    expect(start.lesson.progress).toMatchObject({ lessonId: "services-nodeport", currentStep: 0, completed: [] });
    expect(start.lesson.status).toMatchObject({ stepId: "run-a-pod", passed: false });

    const watcher = await Watcher.open(session.id);
    const first = (await run(session.id, session.editKey, "kubectl run nginx --image=nginx")) as unknown as { lesson: LessonBlock & { events: unknown[] } };
    expect(first.lesson.events).toEqual([]);
    expect(first.lesson.status).toMatchObject({ stepId: "run-a-pod", passed: false });
    await advanceClock(session.id, 60_000);
    const second = (await run(session.id, session.editKey, "kubectl get pods -o wide")) as unknown as { lesson: LessonBlock & { events: unknown[] } };
    expect(second.lesson.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    expect(second.lesson.status).toMatchObject({ stepId: "pod-ip-from-outside" });
    const broadcast = await watcher.next((m) => m.type === "command" && (m.lesson as { events: unknown[] } | undefined)?.events.length === 1);
    expect(broadcast.lesson).toEqual(second.lesson);
    watcher.close();

    const after = (await read(session.id)) as unknown as { lesson: LessonBlock };
    expect(after.lesson.progress).toMatchObject({ currentStep: 1, completed: ["run-a-pod"] });

    // Snapshots and forks carry the lesson and the progress.
    const snapshot = (await (await postJson(`/api/sessions/${session.id}/snapshots`, {})).json()) as { snapshotId: string };
    const frozen = (await (await request(`/api/snapshots/${snapshot.snapshotId}`)).json()) as { lesson: LessonBlock };
    expect(frozen.lesson.progress).toEqual(after.lesson.progress);
    const fork = await createSession({ from: snapshot.snapshotId });
    expect(fork).toMatchObject({ lesson: "services-nodeport" });
    expect(((await read(fork.id)) as unknown as { lesson: LessonBlock }).lesson.progress).toEqual(after.lesson.progress);
  });

  it("runs a lesson's setup commands first, marked as setup", async () => {
    const session = await createSession({ lesson: "debugging-services" });
    const view = await read(session.id);
    expect(view.transcript.length).toBeGreaterThan(3);
    expect(view.transcript.every((e) => e.setup === true)).toBe(true);
    expect(view.transcript[0].command).toBe("kubectl create deployment web --image=nginx --replicas=2");
  });

  it("has no lesson when none was asked for", async () => {
    const session = await createSession();
    expect(((await read(session.id)) as unknown as { lesson: unknown }).lesson).toBe(null);
    const reply = await run(session.id, session.editKey, "kubectl get pods");
    expect(reply).not.toHaveProperty("lesson");
  });

  it("completes a step from the alarm when pods become ready while someone watches", async () => {
    const session = await createSession({ lesson: "services-nodeport" });
    const watcher = await Watcher.open(session.id);
    await run(session.id, session.editKey, "kubectl run nginx --image=nginx");
    const lesson = await watcher.next(isType("lesson"), 10_000);
    expect(lesson.events).toEqual([{ type: "step-completed", lessonId: "services-nodeport", stepId: "run-a-pod" }]);
    watcher.close();
  }, 15_000);
});
