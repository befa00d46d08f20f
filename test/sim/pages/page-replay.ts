// Replaying a kubernetes.io page: a session typed into as a learner would, each step's output
// compared with what the page prints after normalising only what legitimately differs between two
// clusters (addresses, generated name suffixes and uids, node names, ages, NodePorts, versions).

import { it } from "vitest";
import { createSession, execute } from "../../../worker/sim/engine.ts";

const START = Date.UTC(2026, 0, 1);

/** A console the test types into; `wait` lets wall-clock time pass between commands (a learner reading). */
export function learner(seed = 1) {
  let state = createSession({ seed, now: START });
  let now = START;
  return {
    type(line: string): { output: string; exitCode: number } {
      now += 1000;
      const result = execute(state, line, { now });
      state = result.state;
      return { output: result.output, exitCode: result.exitCode };
    },
    wait(seconds: number): void {
      now += seconds * 1000;
    },
  };
}

// Kubernetes' generated names use this alphabet (apimachinery's rand.String and SafeEncodeString).
const RAND = "[bcdfghjklmnpqrstvwxz2456789]";
const IP = String.raw`\b\d{1,3}(?:\.\d{1,3}){3}\b`;

// The playground's nodes (a kubeadm cluster's, as Vagrant boxes name them).
const OUR_NODES = /\b(?:controlplane|node\d\d)\b/g;

export interface CompareOptions {
  /** Lines of the page to leave out (a field only the page's cluster has). */
  dropLines?: RegExp[];
  /** A table's rows in any order after its header (names end in generated suffixes). */
  rowsInAnyOrder?: boolean;
  /** The page's node names, read as `<node>` as ours are. */
  pageNodes?: RegExp;
  /** Every line in any order (printenv lists a container's environment in no set order). */
  anyOrder?: boolean;
  /**
   * An older kubectl's table had fewer columns: a page's line matches one of ours that begins
   * with it. Only for a step marked as an era difference, with its reason.
   */
  olderColumns?: boolean;
}

/** The normalised, non-empty lines of an output, whitespace runs collapsed (column widths follow the values). */
export function normalise(text: string, options: { dropLines?: RegExp[]; nodes?: RegExp } = {}): string[] {
  return text
    .split("\n")
    .filter((l) => !(options.dropLines ?? []).some((re) => re.test(l)))
    .map((l) =>
      l
        .replace(options.nodes ?? OUR_NODES, "<node>")
        .replace(new RegExp(`${IP}(?:,${IP})*(?:\\s*\\+\\s*\\d+\\s*more\\.\\.\\.)?`, "g"), "<ip>")
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uid>")
        .replace(new RegExp(`-${RAND}{8,10}-${RAND}{5}\\b`, "g"), "-<hash>-<suffix>")
        // Before Kubernetes 1.11 pod-template-hash was a decimal number, and the suffix alphabet had vowels.
        .replace(/-\d{8,10}-[a-z0-9]{5}\b/g, "-<hash>-<suffix>")
        .replace(new RegExp(`-${RAND}{5}\\b`, "g"), "-<suffix>")
        .replace(/("nodeName": )"[^"]*"/g, '$1"<node>"')
        // An age: the last column, or a column of -o wide's.
        .replace(/(^|\s)\d+[smhd](?:\d+[smhd])?(?=\s|$)/g, "$1<age>")
        // An allocated NodePort (30000-32767), in PORT(S), describe's NodePort line and YAML's nodePort.
        .replace(/(:|<unset>\s+|[nN]odePort"?:\s*)3[0-2]\d{3}\b/g, "$1<nodeport>")
        .replace(/\s+/g, " ")
        .trim()
        // A JSON line's comma says whether a field follows, and the fields differ with the cluster (zone).
        .replace(/,$/, ""),
    )
    .filter((l) => l !== "");
}

/**
 * "The output is similar to this": every line the page prints appears in ours, in the same order
 * (pages abridge: a JSON object cut after its first fields, one row of several). Returns the
 * page's lines that were not found, in order; empty when the step matches.
 */
export function missingLines(ours: string, page: string, options: CompareOptions = {}): string[] {
  const mine = normalise(ours);
  const theirs = normalise(page, { dropLines: options.dropLines, nodes: options.pageNodes });
  const missing: string[] = [];
  let at = 0;
  for (const line of theirs) {
    // A page that leaves columns out writes "..." where they were.
    const pattern = line.split(" ... ").map(escapeRegExp).join(" .* ");
    // With olderColumns, ours may go on after the page's last column.
    const re = new RegExp(`^${pattern}${options.olderColumns ? "(?: .*)?" : ""}$`);
    const matches = (m: string) => re.test(m);
    // A table's rows are sorted by name, and names end in generated suffixes: with rowsInAnyOrder
    // each row may be anywhere after the header, each of ours matching one of the page's at most.
    const found = mine.findIndex((m, i) => i >= at && matches(m));
    if (found < 0) missing.push(line);
    else if (options.anyOrder || (options.rowsInAnyOrder && at > 0)) mine[found] = "\u0000";
    else at = found + 1;
  }
  return missing;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Each step of a page is one test, and its title says how it is compared, so that
// `npm run -s pages:figure` can count them: "matches the page" (the output is the page's after
// normalising), "era difference" (the page prints an older tool's or cluster's output, the reason
// given, and the test checks what today's prints), "environment difference" (likewise for another
// kind of cluster), "needs issue N" (an expected failure until that
// open issue lands: it turns red then and is switched on), "environment" (a command for another
// kind of cluster or machine, not run). Steps whose output the page does not print are plain tests.

/** A step whose output is compared with the page's and matches it. */
export function matches(command: string, fn: () => void): void {
  it(`matches the page: ${command}`, fn);
}

/** A step where the page prints what an older kubectl, image or cluster printed. */
export function eraDifference(command: string, reason: string, fn: () => void): void {
  it(`era difference: ${command} (${reason})`, fn);
}

/** A step whose page ran on another kind of cluster (a cloud's load balancer): the test checks ours. */
export function environmentDifference(command: string, reason: string, fn: () => void): void {
  it(`environment difference: ${command} (${reason})`, fn);
}

/** A step that needs a capability an open issue brings: fails until it lands. */
export function needsIssue(issue: number, command: string, what: string, fn: () => void): void {
  it.fails(`needs issue ${issue}: ${command} (${what})`, fn);
}

/** A command for another kind of cluster or machine (minikube, a cloud's nodes): not run, the reason kept. */
export function environment(command: string, reason: string): void {
  it.skip(`environment: ${command} (${reason})`, () => {});
}
