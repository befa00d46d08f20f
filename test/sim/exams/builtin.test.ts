import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_EXAMS_MODULE, builtinExamFiles, generateBuiltinExamsModule } from "../../../scripts/exams-generate.ts";
import { builtinExams, builtinExamSummaries, findBuiltinExam } from "../../../worker/sim/exams/builtin.ts";
import { runExamReference, startExamSession } from "../../../worker/sim/exams/reference.ts";
import { gradeExam } from "../../../worker/sim/exams/grade.ts";
import { recordExamCommand } from "../../../worker/sim/exams/run.ts";
import { execute, tick } from "../../../worker/sim/engine.ts";
import { drawExam, validateExam } from "../../../worker/sim/exams/schema.ts";

describe("built-in exams", () => {
  it("are generated from exams/*.yaml (run `npm run exams:build` after editing one)", () => {
    expect(readFileSync(BUILTIN_EXAMS_MODULE, "utf8")).toBe(generateBuiltinExamsModule(builtinExamFiles()));
  });

  it("are listed with their size, duration and pass mark, each valid", () => {
    const summaries = builtinExamSummaries();
    expect(summaries).toEqual([
      expect.objectContaining({ id: "warm-up", tasks: 6, durationMinutes: 30, passPercent: 66 }),
      expect.objectContaining({ id: "services-networking", tasks: 19, durationMinutes: 120, passPercent: 66 }),
    ]);
    for (const exam of builtinExams) expect(validateExam(exam.template).ok).toBe(true);
    expect(findBuiltinExam("nope")).toBeUndefined();
  });

  // npm run exam:check runs five seeds of every exam; the suite runs one other seed of each.
  it.each(builtinExams.map((e) => [e.id, e] as const))("%s: untouched scores 0, each task fails before its solution, the solutions score 100", (_id, definition) => {
    const drawn = drawExam(definition, 11);
    if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
    const result = runExamReference(drawn.exam, { seed: 11 });
    expect(result.errors).toEqual([]);
    expect(result.untouched?.score).toBe(0);
    expect(result.solved?.score).toBe(100);
  });
});

describe("the Services & Networking exam's Gateway API and CoreDNS tasks", () => {
  // Near misses a candidate makes, graded as the session would at Finish: each costs the check that
  // catches it, and only that one.
  const definition = findBuiltinExam("services-networking")!;
  const drawn = drawExam(definition, 3);
  if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
  const { exam, values } = drawn;
  const p = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
  const solution = (id: string) => exam.tasks.find((t) => t.id === id)!.solution;

  function graded(taskId: string, commands: string[]): Record<string, boolean> {
    let { state, run, now } = startExamSession(exam, 3, Date.UTC(2026, 0, 5, 9), 5_000);
    for (const command of commands) {
      now += 5_000;
      const result = execute(state, command, { now });
      state = result.state;
      run = recordExamCommand(run, state, result.traces);
    }
    now += 5_000;
    state = tick(state, now);
    const task = gradeExam(run.exam, run.seed, run.memory, state).tasks.find((t) => t.id === taskId)!;
    return Object.fromEntries(task.checks.map((c) => [c.name, c.passed]));
  }

  it("an HTTPRoute that sends /api to the wrong Service, with the Ingress left in place, loses the HTTPRoute's, the /api request's and the Ingress's checks", () => {
    const [manifests, wait] = solution("gateway-migration");
    const wrong = manifests.replace(/name: (\w+)-api\n/, "name: $1\n");
    expect(wrong).not.toBe(manifests);
    const checks = graded("gateway-migration", [wrong, wait]);
    expect(checks).toEqual({
      [p("Gateway {{gwapp}}-gateway: class nginx, HTTP on 80 for {{gwapp}}.example.com, programmed")]: true,
      [p("HTTPRoute {{gwapp}}-route: attached to the Gateway, routing /api to {{gwapp}}-api")]: false,
      [p("the Gateway sends {{gwapp}}.example.com/api/status to {{gwapp}}-api")]: false,
      [p("the Gateway sends {{gwapp}}.example.com/ to {{gwapp}}")]: true,
      [p("the Ingress {{gwapp}} is gone")]: false,
    });
  });

  it("a name added to the Corefile while the misspelt directive stays is never served: CoreDNS refuses the file at every reload", () => {
    const addOnly = p("kubectl -n kube-system get configmap coredns -o yaml | sed 's/^        ready$/        ready\\n        rewrite name {{alias}} {{dnsapp}}.{{webns}}.svc.cluster.local/' | kubectl apply -f -");
    const checks = graded("coredns-corefile", [addOnly, "sleep 60", "kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'"]);
    expect(checks).toEqual({ "the Corefile in the coredns ConfigMap was changed": true, [p("http://{{alias}} reaches {{dnsapp}} from a pod")]: false });
    // The same edit with the directive spelt right is served at the next reload tick, without a restart.
    const fixed = "kubectl -n kube-system get configmap coredns -o yaml | sed 's/ loadbalanse$/ loadbalance/' | kubectl apply -f -";
    expect(Object.values(graded("coredns-corefile", [addOnly, fixed, "sleep 60"]))).toEqual([true, true]);
  });

  it("a pod with the search domain but without ndots 2 reaches the Service and still misses the dnsConfig check", () => {
    const [manifest, wait] = solution("dns-config");
    const noNdots = manifest.replace(/    options:\n    - name: ndots\n      value: "2"\n/, "");
    expect(noNdots).not.toBe(manifest);
    const checks = graded("dns-config", [noNdots, wait]);
    expect(checks).toEqual({ [p("pod {{resolver}}: searches {{webns}}.svc.cluster.local, ndots 2, ready")]: false, [p("http://{{far}} answers from {{resolver}}")]: true });
  });
});
