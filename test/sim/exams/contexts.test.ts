import { describe, expect, it } from "vitest";
import { execute } from "../../../worker/sim/engine.ts";
import { gradeExam, sessionContexts } from "../../../worker/sim/exams/grade.ts";
import { runExamReference, startExamSession } from "../../../worker/sim/exams/reference.ts";
import { drawExam, parseExam, type Exam } from "../../../worker/sim/exams/schema.ts";

const TWO_CLUSTERS = `
id: two-clusters
title: Two clusters
summary: One task on each cluster, as the CKA's contexts.
clusters: [{ name: k8s-c1 }, { name: k8s-c2, profile: { cni: calico } }]
tasks:
  - id: first
    title: A namespace on the first cluster
    weight: 50
    context: k8s-c1
    text: Create the namespace alpha.
    checks:
      - name: alpha exists
        object: { kind: Namespace, name: alpha }
    solution: [kubectl config use-context k8s-c1, kubectl create namespace alpha]
    why: Each context is its own cluster.
  - id: second
    title: A namespace and the nodes of the second cluster
    weight: 50
    context: k8s-c2
    text: Create the namespace beta and write the cluster's nodes to /opt/course/2/nodes.txt.
    checks:
      - name: beta exists
        object: { kind: Namespace, name: beta }
      - name: the nodes file
        file: { path: /opt/course/2/nodes.txt, command: "kubectl get nodes -o name" }
    solution:
      - kubectl config use-context k8s-c2
      - kubectl create namespace beta
      - kubectl get nodes -o name > /opt/course/2/nodes.txt
    why: use-context moves kubectl to the task's cluster first.
`;

function exam(): Exam {
  const parsed = parseExam(TWO_CLUSTERS);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const drawn = drawExam(parsed.exam, 1);
  if (!drawn.ok) throw new Error(drawn.errors.join("\n"));
  return drawn.exam;
}

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

describe("an exam on several clusters", () => {
  it("starts on its clusters and scores the reference solutions 100, an untouched attempt 0", () => {
    const result = runExamReference(exam(), { seed: 3 });
    expect(result.errors).toEqual([]);
    expect(result.untouched?.score).toBe(0);
    expect(result.solved).toMatchObject({ score: 100, passed: true });
  });

  it("grades each task on its context's cluster, whichever context the learner is in at the end", () => {
    const e = exam();
    const { state, run } = startExamSession(e, 3, START, 5_000);
    expect(sessionContexts(state)).toEqual(["k8s-c1", "k8s-c2"]);
    let now = START + 60_000;
    let s = state;
    // Both namespaces on the first cluster: only the first task is solved.
    for (const line of ["kubectl create namespace alpha", "kubectl create namespace beta", "kubectl get nodes -o name > /opt/course/2/nodes.txt"]) {
      now += 5_000;
      s = execute(s, line, { now }).state;
    }
    const wrong = gradeExam(e, 3, run.memory, s);
    expect(wrong.tasks.map((t) => t.score)).toEqual([50, 0]);
    expect(wrong.tasks[1].checks[1].expected).toContain("node/cluster2-controlplane");
    // The same on the second cluster; the learner ends in k8s-c2, the first task still counts on k8s-c1.
    for (const line of ["kubectl config use-context k8s-c2", "kubectl create namespace beta", "kubectl get nodes -o name > /opt/course/2/nodes.txt"]) {
      now += 5_000;
      s = execute(s, line, { now }).state;
    }
    expect(gradeExam(e, 3, run.memory, s).score).toBe(100);
  });
});
