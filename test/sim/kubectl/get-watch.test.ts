// kubectl get -w: the list, then a line per change as simulated time moves on, with the column
// widths kubectl's watch keeps; --sort-by orders by a JSONPath field.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";
import { naturalCompare } from "../../../worker/sim/kubectl/sort-by.ts";

const console_ = (stepMs = 100) => simTerminal(17, stepMs);

describe("kubectl get --watch", () => {
  it("shows new pods going from ContainerCreating to Running, then gives the prompt back", () => {
    const run = console_();
    run("kubectl create deployment web --image=nginx --replicas=2");
    const lines = run("kubectl get pods -w").output.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(lines.slice(1, 3).every((l) => / 0\/1 +ContainerCreating +0 +0s$/.test(l))).toBe(true);
    const later = lines.slice(3);
    expect(later).toHaveLength(2);
    expect(later.every((l) => /^web-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +\ds$/.test(l))).toBe(true);
    // Every line keeps the columns of the first block.
    const column = (l: string, at: string) => l.indexOf(at);
    expect(lines.slice(1).every((l) => l.indexOf(" 0 ") + 1 === column(lines[0], "RESTARTS"))).toBe(true);
  });

  it("keeps widened columns for later lines, as one tabwriter for the whole watch does", () => {
    const run = console_(5000);
    run("kubectl run web --image=nginx");
    run("kubectl get pods");
    run("kubectl run bad --image=nginx:lastest");
    const out = run("kubectl get pod bad -w").output;
    // The first line sets STATUS to ImagePullBackOff's width; a shorter status later keeps it.
    expect(out.split("\n")[0]).toBe("NAME   READY   STATUS             RESTARTS   AGE");
    expect(out).toMatch(/\nbad {4}0\/1 {5}ErrImagePull {7}0 {10}\d+s\n/);
  });

  it("prints a deleted object's last state once more", () => {
    const run = console_();
    run("kubectl run one --image=nginx");
    run("kubectl get pods -w");
    run("kubectl delete pod one --wait=false");
    const lines = run("kubectl get pods -w").output.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toMatch(/^one {4}\d\/1 {5}Terminating {3}0 {10}\d+s$/);
  });

  it("never shows a pod deleted while it was being created as ready", () => {
    const run = console_();
    run("kubectl create deployment web --image=nginx --replicas=2");
    run("kubectl delete pod -l app=web --wait=false");
    const terminating = run("kubectl get pods -w").output.split("\n").filter((l) => l.includes("Terminating"));
    expect(terminating.length).toBeGreaterThan(0);
    expect(terminating.every((l) => / 0\/1 +Terminating /.test(l))).toBe(true);
  });

  it("answers as kubectl does for several types, other formats and nothing to list", () => {
    const run = console_();
    expect(run("kubectl get pods,svc -w")).toEqual({ output: "error: you may only specify a single resource type\n", exitCode: 1 });
    expect(run("kubectl get pods -w -o yaml").exitCode).toBe(1);
    expect(run("kubectl get pods -w")).toEqual({ output: "No resources found in default namespace.\n", exitCode: 0 });
  });
});

describe("kubectl get --sort-by", () => {
  const run = console_(3000);
  for (const name of ["web-10", "web-2", "web-1"]) run(`kubectl run ${name} --image=nginx`);
  run("kubectl get pods");

  it("orders names naturally and accepts the path with or without braces", () => {
    expect(run("kubectl get pods --sort-by=.metadata.name -o name").output).toBe("pod/web-1\npod/web-2\npod/web-10\n");
    expect(run("kubectl get pods --sort-by='{.metadata.name}' -o name").output).toBe("pod/web-1\npod/web-2\npod/web-10\n");
    expect(run("kubectl get pods --sort-by=metadata.creationTimestamp -o name").output).toBe("pod/web-10\npod/web-2\npod/web-1\n");
  });

  it("says when no object has the field", () => {
    expect(run("kubectl get pods --sort-by=.spec.nope")).toEqual({ output: 'error: couldn\'t find any field with path "{.spec.nope}" in the list of objects\n', exitCode: 1 });
  });

  it.each([
    ["a2", "a10", -1],
    ["a10", "a2", 1],
    ["10.244.1.9", "10.244.1.10", -1],
    ["web", "web", 0],
  ])("compares %s and %s naturally", (a, b, sign) => {
    expect(Math.sign(naturalCompare(a, b))).toBe(sign);
  });
});
