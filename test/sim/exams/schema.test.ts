import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { drawExam, parseExam, validateExam } from "../../../worker/sim/exams/schema.ts";
import { SMALL_EXAM } from "./fixtures.ts";

const base = () => parseYaml(SMALL_EXAM) as Record<string, any>;
const errorsOf = (value: unknown) => {
  const result = validateExam(value);
  return result.ok ? [] : result.errors;
};

describe("exam schema", () => {
  it("accepts the small exam and fills in the defaults", () => {
    const result = parseExam(SMALL_EXAM);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.exam).toMatchObject({ id: "small", durationMinutes: 30, passPercent: 66 });
    const noDuration = base();
    delete noDuration.durationMinutes;
    const again = validateExam(noDuration);
    expect(again.ok && again.exam.durationMinutes).toBe(120);
  });

  it("requires the weights to add up to 100", () => {
    const exam = base();
    exam.tasks[1].weight = 30;
    expect(errorsOf(exam)).toEqual(["tasks: the weights add up to 90; they must add up to 100"]);
  });

  it("names the bad field of a task and of a check", () => {
    const exam = base();
    exam.tasks[0].weight = 0;
    exam.tasks[1].checks[1].file.path = "opt/course/2/fault.txt";
    exam.tasks[1].checks[2] = { name: "two kinds", file: { path: "/a", lines: ["x"] }, route: { url: "http://x/" } };
    delete exam.tasks[0].why;
    const errors = errorsOf(exam);
    expect(errors).toContain("tasks[0].weight: Invalid value: Expected >=1 but received 0");
    expect(errors).toContain("tasks[0].why: missing field");
    expect(errors).toContain("tasks[1].checks[1]: file.path: must be an absolute path");
    expect(errors).toContain("tasks[1].checks[2]: a check has a name and exactly one kind: object, endpoints, request, changed, allOf, anyOf, not, file, route");
  });

  it("checks a file check compares one way and a lesson check's fields", () => {
    const exam = base();
    exam.tasks[1].checks[1].file.lines = ["x"];
    expect(errorsOf(exam)).toEqual(["tasks[1].checks[1]: file: a file check compares one way: content, lines or command"]);
    const typo = base();
    typo.tasks[0].checks[0].object.fields["spec.type"] = "Nodeport";
    expect(errorsOf(typo)).toContain('tasks[0].checks[0].object.fields["spec.type"]: Invalid type: Expected "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" but received "Nodeport"');
  });

  it("reports a reference to an undeclared parameter where it is", () => {
    const exam = base();
    exam.tasks[0].text = "Expose {{application}}.";
    expect(errorsOf(exam)).toEqual(["tasks[0].text: {{application}} names no parameter; declare it under parameters"]);
  });

  it("validates parameters and contexts", () => {
    const exam = base();
    exam.parameters.port = { int: [9000, 8000] };
    exam.parameters.app = { pick: ["a"], name: "b" };
    const errors = errorsOf(exam);
    expect(errors).toContain("parameters.port.int: must be [min, max] with min <= max");
    expect(errors).toContain("parameters.app: a parameter is drawn one way: pick, name or int");
    const bad = base();
    bad.tasks[0].context = "k8s c2";
    expect(errorsOf(bad)).toEqual(["tasks[0].context: must be a context name, e.g. k8s-c2"]);
  });

  it("draws the same exam from the same seed and another from another", () => {
    const result = parseExam(SMALL_EXAM);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const a = drawExam(result.exam, 7);
    const b = drawExam(result.exam, 7);
    const seeds = [1, 2, 3, 4, 5, 6, 8, 9].map((seed) => drawExam(result.exam, seed));
    if (!a.ok || !b.ok) throw new Error("not drawn");
    expect(b.exam).toEqual(a.exam);
    expect(a.values.ns).toMatch(/^team-[a-z0-9]{4}$/);
    expect(a.values.port).toBeGreaterThanOrEqual(8000);
    expect(a.values.port).toBeLessThanOrEqual(8099);
    // `port: "{{port}}"` became a number, so it validates as a port.
    expect((a.exam.tasks[0].checks[0] as any).object.fields["spec.ports[0].port"]).toBe(a.values.port);
    expect(a.exam.tasks[0].solution[0]).toBe(`kubectl -n ${a.values.ns} expose deployment ${a.values.app} --port ${a.values.port} --target-port 80`);
    expect(new Set(seeds.map((s) => (s.ok ? s.values.ns : ""))).size).toBeGreaterThan(1);
  });

  it("says why a file is not an exam", () => {
    expect(parseExam("")).toEqual({ ok: false, errors: ["the exam file is empty: expected a YAML or JSON object with id, title, summary and tasks"] });
    expect(parseExam("id: [").ok).toBe(false);
  });
});
