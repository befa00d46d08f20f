// A class in real Chromium: the teacher creates it from the top bar, three students (three browser
// contexts, so three separate localStorages) join with the student link and work, and the board
// shows each one's progress and the stuck one within a second of it happening.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, baseUrl, launch, newPage, RESULTS, typeCommand, typeUntil } from "./browser.ts";

const UPDATE_WITHIN_MS = 1000;

describe("a class", () => {
  let browser: Browser;
  let teacher: Page;
  let students: Page[];
  let studentUrl: string;
  let boardUrl: string;

  beforeAll(async () => {
    browser = await launch();
    teacher = await newPage(browser);
    students = [await newPage(browser), await newPage(browser), await newPage(browser)];
  });
  afterAll(async () => {
    await browser?.close();
  });

  const row = (name: string) => teacher.locator("tr.student", { has: teacher.locator("th.student-name", { hasText: name }) });

  it("is created from the top bar with a lesson and a name, showing the student link and the private board link", async () => {
    await teacher.goto(baseUrl() + "/?new");
    await teacher.locator(".command-input").waitFor();
    await teacher.getByRole("button", { name: "Create a class" }).click();
    await teacher.getByLabel("Class name").fill("Networking 101");
    await teacher.getByLabel("Students start from").selectOption("services-nodeport");
    await teacher.getByRole("button", { name: "Create the class" }).click();
    studentUrl = await teacher.getByLabel("Student link").inputValue();
    boardUrl = await teacher.getByLabel("Board link (private)").inputValue();
    expect(studentUrl).toMatch(new RegExp(`^${baseUrl()}/c/[A-Za-z0-9_-]{22}$`));
    expect(boardUrl).toMatch(/\/c\/[A-Za-z0-9_-]{22}\/board#key=[A-Za-z0-9_-]{43}$/);
    await teacher.screenshot({ path: `${RESULTS}/class-created.png` });
    await teacher.getByRole("link", { name: "Open the board" }).click();
    // The key leaves the address bar for this browser's storage.
    await teacher.waitForURL((url) => url.pathname.endsWith("/board") && url.hash === "");
    await teacher.getByText("No students yet").waitFor();
  });

  it("takes three students, each with a session of their own, listed on the board as they join", async () => {
    const names = ["Ada", "Bob", "<i>Cara</i>"];
    for (const [i, page] of students.entries()) {
      await page.goto(studentUrl);
      await page.getByLabel("Your name, as your teacher will see it").fill(names[i]);
      await page.getByRole("button", { name: "Join the class" }).click();
      await page.locator(".command-input").waitFor();
      await row(names[i]).waitFor({ timeout: UPDATE_WITHIN_MS });
    }
    // Markup in a name is text, never markup.
    expect(await teacher.locator("th.student-name i").count()).toBe(0);
    expect(await row("<i>Cara</i>").locator("td.student-step").innerText()).toBe("1 of 9 · Run a pod and find its IP");
    // The same browser returns to its session.
    const before = await students[0].evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.includes(":class:"))!));
    await students[0].goto(studentUrl);
    await students[0].locator(".command-input").waitFor();
    expect(await students[0].evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.includes(":class:"))!))).toBe(before);
    expect(await teacher.locator("tr.student").count()).toBe(3);
  });

  it("shows each student's commands and steps, and a stuck student, within a second", async () => {
    const [ada, bob, cara] = students;
    // Ada: runs the pod; once it is ready, she is on step 2.
    await typeCommand(ada, "kubectl run nginx --image=nginx");
    await row("Ada").locator("li", { hasText: "kubectl run nginx --image=nginx" }).waitFor({ timeout: UPDATE_WITHIN_MS });
    await typeUntil(ada, "kubectl get pods -o wide", /Running/);
    await expect.poll(() => row("Ada").locator("td.student-step").innerText(), { timeout: UPDATE_WITHIN_MS, interval: 50 }).toBe("2 of 9 · Try the pod IP from outside");
    // Bob: three failing commands in a row.
    for (const command of ["kubectl get pod ngnix", "kubectl describe svc nothing", "kubectl logs nope"]) await typeCommand(bob, command);
    const started = Date.now();
    await row("Bob").locator(".badge.stuck").waitFor({ timeout: UPDATE_WITHIN_MS });
    expect(Date.now() - started).toBeLessThan(UPDATE_WITHIN_MS);
    expect(await row("Bob").locator(".badge.stuck").innerText()).toBe("stuck: 3 failing commands");
    expect(await row("Bob").locator("li.failed").count()).toBe(3);
    // Cara: one command that works; working, not stuck.
    await typeCommand(cara, "kubectl get nodes");
    await row("<i>Cara</i>").locator("li.ok", { hasText: "kubectl get nodes" }).waitFor({ timeout: UPDATE_WITHIN_MS });
    expect(await row("<i>Cara</i>").locator(".badge").innerText()).toBe("working");
    await teacher.screenshot({ path: `${RESULTS}/class-board.png`, fullPage: true });
    expect(await axeViolations(teacher)).toEqual([]);
  });

  it("posts the teacher's message to the students' pages, and closes the class to new students", async () => {
    await teacher.getByLabel("Message to the class").fill("Step 2: look at the pod IP's network");
    await teacher.getByRole("button", { name: "Post message" }).click();
    await teacher.getByText("Shown to students:").waitFor();
    // Students' pages ask every 10 s; a reload shows it at once.
    await students[1].reload();
    await students[1].locator(".class-message", { hasText: "Step 2: look at the pod IP's network" }).waitFor();
    await students[1].screenshot({ path: `${RESULTS}/class-student.png` });
    await teacher.getByRole("button", { name: "Close to new students" }).click();
    await teacher.getByText("closed to new students").first().waitFor();
    const late = await newPage(browser);
    await late.goto(studentUrl);
    await late.getByText("This class is closed to new students.").waitFor();
  });

  it("downloads the board as CSV, and opens a student's session read-only", async () => {
    const download = teacher.waitForEvent("download");
    await teacher.getByRole("button", { name: "Download CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("Networking 101 board.csv");
    const watch = row("Ada").getByRole("link", { name: "Watch" });
    expect(await watch.getAttribute("href")).toMatch(/^\/s\/[A-Za-z0-9_-]{22}$/);
  });
});
