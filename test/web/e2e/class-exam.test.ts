// A class that runs an exam, in real Chromium: the teacher creates it from the top bar with a
// built-in exam, two students (two browser contexts) join and get the exam view, one repairs a task
// and finishes; the board shows her score and pass, the other's clock, and a link to her report.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, launch, newPage, RESULTS, typeCommand, typeUntil } from "./browser.ts";

const UPDATE_WITHIN_MS = 2000;

describe("a class running an exam", () => {
  let browser: Browser;
  let teacher: Page;
  let ada: Page;
  let bob: Page;
  let studentUrl: string;

  beforeAll(async () => {
    browser = await launch();
    teacher = await newPage(browser);
    ada = await newPage(browser);
    bob = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const row = (name: string) => teacher.locator("tr.student", { has: teacher.locator("th.student-name", { hasText: name }) });

  it("is created from the top bar with a built-in exam", async () => {
    await teacher.goto(baseUrl() + "/?new");
    await teacher.locator(".command-input").waitFor();
    await teacher.getByRole("button", { name: "Create a class" }).click();
    await teacher.getByLabel("Class name").fill("Exam day");
    const source = teacher.getByLabel("Students start from");
    // The exams are listed after the lessons, once GET /api/exams answered.
    await source.locator("option", { hasText: "Exam: Warm-up: Services in six tasks (6 tasks, 30 min)" }).waitFor({ state: "attached" });
    await source.selectOption({ label: "Exam: Warm-up: Services in six tasks (6 tasks, 30 min)" });
    await teacher.getByText("A different draw for each student").waitFor();
    await teacher.getByRole("button", { name: "Create the class" }).click();
    studentUrl = await teacher.getByLabel("Student link").inputValue();
    await teacher.getByRole("link", { name: "Open the board" }).click();
    await teacher.waitForURL((url) => url.pathname.endsWith("/board") && url.hash === "");
    await teacher.getByText("Exam: Warm-up: Services in six tasks (6 tasks, 30 min, pass mark 66%, the same draw for all)").waitFor();
    await teacher.getByText("No students yet").waitFor();
  });

  it("gives each student who joins the exam view, and the board their clock", async () => {
    for (const [page, name] of [[ada, "Ada"], [bob, "Bob"]] as const) {
      await page.goto(studentUrl);
      await page.getByText("Exam: Warm-up: Services in six tasks (6 tasks, 30 minutes from when you join, pass mark 66%)").waitFor();
      await page.getByLabel("Your name, as your teacher will see it").fill(name);
      await page.getByRole("button", { name: "Join the class" }).click();
      // The exam's bar (countdown, Finish) and the class's banner above the console.
      await page.locator(".exam-clock").waitFor();
      await page.locator(".command-input").waitFor();
      await page.locator(".class-banner", { hasText: `you are ${name}` }).waitFor();
      await row(name).waitFor({ timeout: UPDATE_WITHIN_MS });
    }
    expect(await teacher.getByRole("columnheader").allInnerTexts()).toEqual(["Name", "Score", "Time left", "Last commands", "Status", "Actions"]);
    expect(await row("Bob").locator("td.student-score").innerText()).toBe("—");
    expect(await row("Bob").locator("td.student-time").innerText()).toMatch(/^(29|30):[0-5]\d$/);
    expect(await ada.locator(".exam-task-list > li").count()).toBe(6);
    await ada.screenshot({ path: `${RESULTS}/class-exam-student.png` });
  });

  it("shows a student's score and pass once she finishes, with a link to her report", async () => {
    const adaSession = (await row("Ada").getAttribute("data-session"))!;
    const exam = (await (await fetch(`${baseUrl()}/api/sessions/${adaSession}/exam`)).json()) as { seed: number; tasks: Array<{ id: string; text: string }> };
    // Both students took the same draw.
    const bobSession = (await row("Bob").getAttribute("data-session"))!;
    expect(((await (await fetch(`${baseUrl()}/api/sessions/${bobSession}/exam`)).json()) as { seed: number }).seed).toBe(exam.seed);
    // Ada repairs the Service's selector (the warm-up's 20-point task).
    const fix = exam.tasks.find((t) => t.id === "fix-selector")!;
    const [, name, namespace] = /The Service `([^`]+)` in namespace `([^`]+)`/.exec(fix.text)!;
    await typeCommand(ada, `kubectl -n ${namespace} patch service ${name} -p '{"spec":{"selector":{"app":"${name}"}}}'`);
    await typeUntil(ada, `kubectl -n ${namespace} get endpoints ${name}`, /:\d+/);
    // The task's second check calls the Service from the client pod: under load that pod (or the
    // deployment's) may still be starting, so check as a student would before finishing.
    await typeUntil(ada, `kubectl -n ${namespace} exec client -- curl -s -o /dev/null -w '%{http_code}\\n' http://${name}/`, /^200$/m, 60);
    await row("Ada").locator("li", { hasText: "patch service" }).waitFor({ timeout: UPDATE_WITHIN_MS });
    await ada.getByRole("button", { name: "Finish", exact: true }).click();
    await ada.getByRole("dialog", { name: "Finish the exam now?" }).getByRole("button", { name: "Finish and see the report" }).click();
    await ada.locator(".exam-score").waitFor();
    expect(await ada.locator(".exam-score").innerText()).toContain("20 / 100");

    await expect.poll(() => row("Ada").locator("td.student-score").innerText(), { timeout: UPDATE_WITHIN_MS, interval: 50 }).toBe("20 of 100");
    expect(await row("Ada").locator(".badge").innerText()).toBe("not passed");
    expect(await row("Ada").locator("td.student-time").innerText()).toBe("ended");
    expect(await row("Bob").locator(".badge").innerText()).toBe("working");
    await teacher.getByText("1 finished").waitFor();
    const report = row("Ada").getByRole("link", { name: "Report of Ada" });
    expect(await report.getAttribute("href")).toBe(`/exam/${adaSession}`);
    await teacher.screenshot({ path: `${RESULTS}/class-exam-board.png`, fullPage: true });
    expect(await axeViolations(teacher)).toEqual([]);

    // The report opens read-only for the teacher (no key in this browser for Ada's session).
    const view = await newPage(browser);
    await view.goto(baseUrl() + `/exam/${adaSession}`);
    await view.locator(".exam-score").waitFor();
    expect(await view.locator(".exam-score").innerText()).toContain("20 / 100");
    expect(await view.locator(".command-input").count()).toBe(0);
  });

  it("adds the exam's columns to the CSV", async () => {
    const download = teacher.waitForEvent("download");
    await teacher.getByRole("button", { name: "Download CSV" }).click();
    const file = await download;
    const path = await file.path();
    const { readFileSync } = await import("node:fs");
    const lines = readFileSync(path, "utf8").split("\r\n");
    expect(lines[0]).toMatch(/,exam,seed,score,max,passed,finished_at,time_left$/);
    expect(lines.find((l) => l.startsWith("Ada,"))).toMatch(/,warm-up,\d+,20,100,false,\d{4}-\d\d-\d\dT[\d:.]+Z,0$/);
  });

  it("gives a student who joins through /embed?class= the exam view too", async () => {
    const classId = new URL(studentUrl).pathname.split("/")[2];
    const cara = await newPage(browser);
    await cara.goto(`${baseUrl()}/embed?class=${classId}`);
    await cara.getByLabel("Your name, as your teacher will see it").fill("Cara");
    await cara.getByRole("button", { name: "Join the class" }).click();
    await cara.locator(".exam-clock").waitFor();
    await cara.locator(".command-input").waitFor();
    await row("Cara").waitFor({ timeout: UPDATE_WITHIN_MS });
    expect(await row("Cara").locator("td.student-time").innerText()).toMatch(/^(29|30):[0-5]\d$/);
    // Back in the same session after a reload.
    await cara.reload();
    await cara.locator(".exam-clock").waitFor();
    expect(await teacher.locator("tr.student").count()).toBe(3);
    await cara.screenshot({ path: `${RESULTS}/class-exam-embed.png` });
  });
});
