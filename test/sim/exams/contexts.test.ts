import { describe, expect, it } from "vitest";
import { execute } from "../../../worker/sim/engine.ts";
import { gradeExam, sessionContexts } from "../../../worker/sim/exams/grade.ts";
import { recordExamCommand } from "../../../worker/sim/exams/run.ts";
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

// The same Deployment and NodePort on both clusters, with other replicas: a check that looked at
// the wrong cluster would find a change, or a request, where the learner made none.
const CHANGES_AND_REQUESTS = `
id: two-clusters-memory
title: Changes and requests on the second cluster
summary: A changed check and a request check on k8s-c2, with the same objects on k8s-c1.
clusters: [{ name: k8s-c1 }, { name: k8s-c2 }]
setup:
  - kubectl --context k8s-c1 create deployment web --image=nginx --replicas=3
  - kubectl --context k8s-c1 create service nodeport web --tcp=80:80 --node-port=30080
  - kubectl --context k8s-c2 create deployment web --image=nginx
  - kubectl --context k8s-c2 create service nodeport web --tcp=80:80 --node-port=30080
tasks:
  - id: scale
    title: Scale web on the second cluster
    weight: 50
    context: k8s-c2
    text: Scale the Deployment web to 2 replicas.
    checks:
      - name: web's replicas changed
        changed: { kind: Deployment, name: web, field: spec.replicas }
    solution: [kubectl config use-context k8s-c2, kubectl scale deployment web --replicas=2]
    why: The change counts on the task's cluster.
  - id: call
    title: Call web's NodePort on the second cluster
    weight: 50
    context: k8s-c2
    text: Call the NodePort 30080 of web on a node of the second cluster from the workstation.
    checks:
      - name: a request to web's NodePort answered
        request: { from: workstation, to: { kind: nodePort, service: web }, verdict: answered }
    solution: [kubectl config use-context k8s-c2, curl -s -o /dev/null http://192.168.56.21:30080/]
    why: The workstation reaches every cluster's nodes.
`;

function exam(text = TWO_CLUSTERS): Exam {
  const parsed = parseExam(text);
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

  it("counts changed and request checks on the task's cluster, not on the one the learner is in", () => {
    const e = exam(CHANGES_AND_REQUESTS);
    const reference = runExamReference(e, { seed: 3 });
    expect(reference.errors).toEqual([]);
    expect(reference.untouched?.score).toBe(0);
    expect(reference.solved?.score).toBe(100);

    const started = startExamSession(e, 3, START, 5_000);
    let { state, run } = started;
    let now = START + 60_000;
    const type = (line: string) => {
      now += 5_000;
      const result = execute(state, line, { now });
      state = result.state;
      run = recordExamCommand(run, state, result.traces);
      return result;
    };
    // Untouched: k8s-c1's web has 3 replicas, k8s-c2's 1; neither changed.
    expect(gradeExam(e, 3, run.memory, state).tasks.map((t) => t.score)).toEqual([0, 0]);
    // The same work on the first cluster counts for neither task.
    type("kubectl scale deployment web --replicas=2");
    expect(type("curl -s -o /dev/null -w '%{http_code}' http://192.168.56.11:30080/").output).toBe("200");
    expect(gradeExam(e, 3, run.memory, state).tasks.map((t) => t.score)).toEqual([0, 0]);
    // From the same context, the second cluster's node answers the request, and --context scales there.
    expect(type("curl -s -o /dev/null -w '%{http_code}' http://192.168.56.21:30080/").output).toBe("200");
    type("kubectl --context k8s-c2 scale deployment web --replicas=2");
    const report = gradeExam(e, 3, run.memory, state);
    expect(report.tasks.map((t) => t.score)).toEqual([50, 50]);
  });
});
