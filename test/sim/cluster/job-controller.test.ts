// Jobs as a learner meets them: a pod run to completion, the job's STATUS and COMPLETIONS, the
// generated selector, the pod-failure back-off limit, and the TTL that deletes a finished job.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const job = (name: string, command: string, extra = "", restart = "Never") => `kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${extra}  template:
    spec:
      restartPolicy: ${restart}
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "${command}"]
EOF`;

function settle(run: ReturnType<typeof simTerminal>, times = 6): void {
  for (let i = 0; i < times; i++) run("sleep 10");
}

describe("the Job controller", () => {
  it("runs one pod to completion: Completed pod, Complete job with COMPLETIONS 1/1", () => {
    const run = simTerminal(3, 1000);
    expect(run(job("pi", "echo done")).output).toBe("job.batch/pi created\n");
    settle(run);
    const jobs = run("kubectl get jobs").output.split("\n");
    expect(jobs[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(jobs[1]).toMatch(/^pi\s+Complete\s+1\/1\s+\d+s\s+\d+s$/);
    const pods = run("kubectl get pods -l batch.kubernetes.io/job-name=pi").output;
    expect(pods).toMatch(/\npi-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s+/);
    const conditions = run("kubectl get job pi -o jsonpath='{.status.conditions[*].type} {.status.succeeded} {.spec.backoffLimit} {.spec.completionMode}'").output;
    expect(conditions).toBe("SuccessCriteriaMet Complete 1 6 NonIndexed");
    const selector = run("kubectl get job pi -o jsonpath='{.spec.selector.matchLabels}'").output;
    const uid = run("kubectl get job pi -o jsonpath='{.metadata.uid}'").output;
    expect(selector).toBe(`{"batch.kubernetes.io/controller-uid":"${uid}"}`);
    const describe = run("kubectl describe job pi").output;
    expect(describe).toContain(`Name:             pi\nNamespace:        default\nSelector:         batch.kubernetes.io/controller-uid=${uid}\n`);
    expect(describe).toMatch(/\nParallelism:      1\nCompletions:      1\nCompletion Mode:  NonIndexed\nSuspend:          false\nBackoff Limit:    6\nStart Time:       .*\nCompleted At:     .*\nDuration:         \d+s\nPods Statuses:    0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed\nPod Template:\n/);
    expect(describe).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+job-controller\s+Created pod: pi-[a-z0-9]{5}\n[\s\S]*Normal\s+Completed\s+\S+\s+job-controller\s+Job completed\n/);
  });

  it("fails after backoffLimit failed pods (BackoffLimitExceeded)", () => {
    const run = simTerminal(4, 1000);
    run(job("bad", "exit 1", "  backoffLimit: 1\n"));
    settle(run, 10);
    expect(run("kubectl get jobs").output.split("\n")[1]).toMatch(/^bad\s+Failed\s+0\/1\s+/);
    expect(run("kubectl get job bad -o jsonpath='{.status.failed} {.status.conditions[-1:].reason}'").output).toBe("2 BackoffLimitExceeded");
  });

  it("deletes a finished job and its pods once ttlSecondsAfterFinished has passed", () => {
    const run = simTerminal(5, 1000);
    run(job("once", "true", "  ttlSecondsAfterFinished: 0\n"));
    settle(run);
    expect(run("kubectl get jobs").output).toBe("No resources found in default namespace.\n");
    settle(run, 6);
    expect(run("kubectl get pods").output).toBe("No resources found in default namespace.\n");
  });

  it("refuses a pod template that would restart Always, and a selector it was not asked to take", () => {
    const run = simTerminal(6, 1000);
    const out = run(job("always", "true", "", "Always"));
    expect(out.output).toBe('The Job "always" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"\n');
    expect(out.exitCode).toBe(1);
  });
});

describe("kubectl create job", () => {
  it("makes a Never-restarting job of one container named after it, the args after NAME its command", () => {
    const run = simTerminal(7, 1000);
    expect(run("kubectl create job hello --image=busybox --dry-run=client -o yaml -- date").output).toBe(`apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  template:
    metadata: {}
    spec:
      containers:
      - command:
        - date
        image: busybox
        name: hello
        resources: {}
      restartPolicy: Never
status: {}
`);
    expect(run("kubectl create job hello --image=busybox -- echo hello from the job").output).toBe("job.batch/hello created\n");
    settle(run);
    expect(run("kubectl logs job/hello").output).toBe("hello from the job\n");
    expect(run("kubectl get jobs").output.split("\n")[1]).toMatch(/^hello\s+Complete\s+1\/1\s+/);
  });

  it("refuses what kubectl refuses", () => {
    const run = simTerminal(8, 1000);
    expect(run("kubectl create job x").output).toBe("error: either --image or --from must be specified\n");
    expect(run("kubectl create job x --image=busybox --from=cronjob/a").output).toBe("error: either --image or --from must be specified\n");
    expect(run("kubectl create job").output).toBe("error: exactly one NAME is required, got 0\nSee 'kubectl create job -h' for help and examples\n");
  });
});
