// kubectl rollout restart|status, wait --for, logs: commands that watch the cluster over
// simulated time.

import { goQuote } from "../../go-quote.ts";
import type { DaemonSet, Deployment, Pod, ReplicaSet } from "../../cluster/types.ts";
import type { StatefulSet } from "../../kinds/stateful-set.ts";
import { revisionsOf as statefulSetRevisions } from "../../cluster/stateful-set-controller.ts";
import { parseGoDuration, type Flags } from "../flags.ts";
import { clone, update, waitUntil } from "../api.ts";
import { parseResourceArgs, notFoundText, readOne } from "../builder.ts";
import { selectorFlag, type Command } from "../command.ts";
import { parseSelector } from "../selector.ts";
import { matchesRequirements, type LabelSelectorRequirement } from "../../cluster/label-selector.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText, statusErrorText, usageErrorText } from "../errors.ts";
import { rfc3339 } from "../../cluster/ids.ts";
import { serverVersion } from "../../cluster/version.ts";
import { kindString, resourceType } from "../resources.ts";
import { describeRevisionTemplate } from "../printers/describe.ts";
import { tabwrite } from "../printers/tabwriter.ts";
import { readList } from "../store-read.ts";
import { findResults } from "../printers/jsonpath.ts";
import { asServed } from "../printers/output.ts";
import type { AnyObject } from "../printers/tables.ts";
import { relaxedPath } from "../sort-by.ts";
import { followPodLog, logCursor, logText, type PodLogOptions, readPodLog } from "../../cluster/pod-log.ts";

/** The Deployment, DaemonSet or StatefulSet a rollout subcommand names (the kinds with a restarter and a status viewer). */
function workloadArg(k: Kubectl, flags: Flags): Deployment | DaemonSet | StatefulSet | number {
  if (flags.args.length === 0) return fail(k, "error: required resource not specified");
  const parsed = parseResourceArgs(flags.args, k.ctx.tx.state, false);
  if (!parsed.ok) return fail(k, parsed.error);
  const request = parsed.requests[0];
  if (request.type.name !== "deployments" && request.type.name !== "daemonsets" && request.type.name !== "statefulsets") {
    return fail(k, errorText(`no restarter has been implemented for ${kindString(request.type)}`).replace("restarter", k.path.endsWith("status") ? "status viewer" : "restarter"));
  }
  if (request.names.length === 0) return fail(k, usageErrorText(k.path, "required resource not specified"));
  const d = readOne(k.ctx.tx.state, request.type, k.namespace, request.names[0]);
  if (!d) return fail(k, notFoundText(request.type, request.names[0]));
  return d as unknown as Deployment | DaemonSet | StatefulSet;
}

const restart: Command = {
  name: "restart",
  short: "Restart a resource",
  usage: "rollout restart RESOURCE",
  examples: `  # Restart all deployments in the test-namespace namespace
  kubectl rollout restart deployment -n test-namespace

  # Restart a deployment
  kubectl rollout restart deployment/nginx`,
  flags: [],
  run: (k, flags) => {
    const d = workloadArg(k, flags);
    if (typeof d === "number") return d;
    const next = clone(d);
    next.spec.template.metadata.annotations = {
      ...(next.spec.template.metadata.annotations ?? {}),
      "kubectl.kubernetes.io/restartedAt": rfc3339(k.ctx.tx.state.now),
    };
    const result = update(k, next as never);
    if (!result.ok) return fail(k, statusErrorText(result.status));
    k.out(`${d.kind.toLowerCase()}.apps/${d.metadata.name} restarted\n`);
    return 0;
  },
};

const status: Command = {
  name: "status",
  short: "Show the status of the rollout",
  usage: "rollout status (TYPE NAME | TYPE/NAME) [flags]",
  examples: `  # Watch the rollout status of a deployment
  kubectl rollout status deployment/nginx`,
  flags: [{ name: "timeout", type: "duration", defaultValue: "0s", usage: "How long to keep watching the rollout before giving up; 0 waits forever." }],
  run: (k, flags) => {
    const first = workloadArg(k, flags);
    if (typeof first === "number") return first;
    const key = `${first.metadata.namespace}/${first.metadata.name}`;
    const limit = parseGoDuration(flags.string("timeout")) || 600_000;
    if (first.kind === "DaemonSet") return daemonSetRolloutStatus(k, first, key, limit);
    if (first.kind === "StatefulSet") return statefulSetRolloutStatus(k, first, key, limit);
    let last = "";
    const ok = waitUntil(k, limit, () => {
      const d = k.ctx.tx.state.deployments[key];
      if (!d) return true;
      const s = d.status;
      const want = d.spec.replicas;
      let line = "";
      if ((s.updatedReplicas ?? 0) < want) line = `Waiting for deployment "${d.metadata.name}" rollout to finish: ${s.updatedReplicas ?? 0} out of ${want} new replicas have been updated...\n`;
      else if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) line = `Waiting for deployment "${d.metadata.name}" rollout to finish: ${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas are pending termination...\n`;
      else if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) line = `Waiting for deployment "${d.metadata.name}" rollout to finish: ${s.availableReplicas ?? 0} of ${s.updatedReplicas ?? 0} updated replicas are available...\n`;
      if (line === "") return true;
      if (line !== last) k.out(line);
      last = line;
      return false;
    });
    if (!k.ctx.tx.state.deployments[key]) return fail(k, notFoundText(readOneType(), first.metadata.name));
    if (!ok) return fail(k, "error: timed out waiting for the condition");
    k.out(`deployment "${first.metadata.name}" successfully rolled out\n`);
    return 0;
  },
};

/** A Deployment's revisions: its ReplicaSets by their revision annotation, oldest first. */
function revisionsOf(k: Kubectl, d: Deployment): Array<{ revision: number; rs: ReplicaSet }> {
  const out: Array<{ revision: number; rs: ReplicaSet }> = [];
  for (const rs of Object.values(k.ctx.tx.state.replicaSets)) {
    if (rs.metadata.namespace !== d.metadata.namespace) continue;
    if (!rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid && o.controller)) continue;
    const revision = Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
    if (revision > 0) out.push({ revision, rs });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/** The Deployment or StatefulSet a history/undo names; DaemonSets have no ControllerRevisions here. */
function deploymentArg(k: Kubectl, flags: Flags): Deployment | StatefulSet | number {
  const w = workloadArg(k, flags);
  if (typeof w === "number") return w;
  if (w.kind === "DaemonSet") return fail(k, `error: "${k.path}" is not available for daemonsets in this playground (it keeps no ControllerRevisions)`);
  return w;
}

/** A StatefulSet's revisions as history and undo read them: ControllerRevisions by number, each with its template. */
function statefulSetHistory(k: Kubectl, set: StatefulSet): Array<{ revision: number; template: StatefulSet["spec"]["template"]; changeCause?: string }> {
  return statefulSetRevisions(k.ctx.tx, set).map((r) => {
    const { $patch: _, ...template } = r.data.spec.template;
    return { revision: r.revision, template, changeCause: r.metadata.annotations?.["kubernetes.io/change-cause"] };
  });
}

const history: Command = {
  name: "history",
  short: "View rollout history",
  long: "View previous rollout revisions and configurations.",
  usage: "rollout history (TYPE NAME | TYPE/NAME) [flags]",
  examples: `  # View the rollout history of a deployment
  kubectl rollout history deployment/abc

  # View the details of deployment revision 3
  kubectl rollout history deployment/abc --revision=3`,
  flags: [{ name: "revision", type: "int", defaultValue: "0", usage: "Show the pod template of this revision instead of the list." }],
  run: (k, flags) => {
    const d = deploymentArg(k, flags);
    if (typeof d === "number") return d;
    const wanted = flags.int("revision");
    if (d.kind === "StatefulSet") {
      const revisions = statefulSetHistory(k, d);
      const name = `statefulset.apps/${d.metadata.name}`;
      if (wanted > 0) {
        const found = revisions.find((r) => r.revision === wanted);
        if (!found) return fail(k, `error: unable to find the specified revision`);
        k.out(`${name} with revision #${wanted}\n${describeRevisionTemplate(found.template)}\n`);
        return 0;
      }
      if (revisions.length === 0) {
        k.out(`No rollout history found.\n`);
        return 0;
      }
      const rows = ["REVISION\tCHANGE-CAUSE", ...revisions.map((r) => `${r.revision}\t${r.changeCause || "<none>"}`)];
      k.out(`${name} \n${tabwrite(rows.join("\n") + "\n", { minwidth: 0, padding: 2 })}\n`);
      return 0;
    }
    const revisions = revisionsOf(k, d);
    const name = `deployment.apps/${d.metadata.name}`;
    if (wanted > 0) {
      const found = revisions.find((r) => r.revision === wanted);
      if (!found) return fail(k, `error: unable to find the specified revision`);
      k.out(`${name} with revision #${wanted}\n${describeRevisionTemplate(found.rs.spec.template)}\n`);
      return 0;
    }
    // polymorphichelpers.printHistory: a tabwriter with padding 2, then the name printer's line.
    const rows = ["REVISION\tCHANGE-CAUSE", ...revisions.map((r) => `${r.revision}\t${r.rs.metadata.annotations?.["kubernetes.io/change-cause"] || "<none>"}`)];
    k.out(`${name} \n${tabwrite(rows.join("\n") + "\n", { minwidth: 0, padding: 2 })}\n`);
    return 0;
  },
};

const undo: Command = {
  name: "undo",
  short: "Undo a previous rollout",
  long: "Roll back to a previous rollout.",
  usage: "rollout undo (TYPE NAME | TYPE/NAME) [flags]",
  examples: `  # Roll back to the previous deployment
  kubectl rollout undo deployment/abc

  # Roll back to revision 3
  kubectl rollout undo deployment/abc --to-revision=3`,
  flags: [{ name: "to-revision", type: "int", defaultValue: "0", usage: "The revision to go back to; 0 means the one before the current." }],
  run: (k, flags) => {
    const d = deploymentArg(k, flags);
    if (typeof d === "number") return d;
    if (d.kind === "StatefulSet") return undoStatefulSet(k, d, flags.int("to-revision"));
    const revisions = revisionsOf(k, d);
    const current = Number(d.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
    const to = flags.int("to-revision");
    let target: ReplicaSet | undefined;
    if (to > 0) {
      target = revisions.find((r) => r.revision === to)?.rs;
      if (!target) return fail(k, `error: unable to find specified revision ${to} in history`);
    } else {
      const previous = revisions.filter((r) => r.revision !== current);
      if (revisions.length === 0) return fail(k, `error: no rollout history found for deployment "${d.metadata.name}"`);
      if (previous.length === 0) return fail(k, `error: no revision found for deployment "${d.metadata.name}"`);
      target = previous[previous.length - 1].rs;
    }
    const name = `deployment.apps/${d.metadata.name}`;
    // The ReplicaSet's template without the hash label the controller added is the revision's template.
    const labels = { ...(target.spec.template.metadata.labels ?? {}) };
    delete labels["pod-template-hash"];
    const template = { ...target.spec.template, metadata: { ...target.spec.template.metadata, labels } };
    if (JSON.stringify(template) === JSON.stringify(d.spec.template)) {
      k.out(`${name} skipped rollback (current template already matches revision ${to > 0 ? to : revisions.find((r) => r.rs === target)?.revision})\n`);
      return 0;
    }
    const next = clone(d);
    next.spec.template = clone(template);
    const result = update(k, next as never);
    if (!result.ok) return fail(k, statusErrorText(result.status));
    k.out(`${name} rolled back\n`);
    return 0;
  },
};

/**
 * polymorphichelpers StatefulSetRollbacker: the revision before the newest (or --to-revision) is
 * applied as the set's template; the controller then renumbers it as the newest revision.
 */
function undoStatefulSet(k: Kubectl, set: StatefulSet, to: number): number {
  const revisions = statefulSetHistory(k, set);
  const name = `statefulset.apps/${set.metadata.name}`;
  let target: (typeof revisions)[number] | undefined;
  if (to > 0) {
    target = revisions.find((r) => r.revision === to);
    if (!target) return fail(k, `error: unable to find specified revision ${to} in history`);
  } else {
    if (revisions.length <= 1) return fail(k, `error: no last revision to roll back to`);
    target = revisions[revisions.length - 2];
  }
  if (JSON.stringify(target.template) === JSON.stringify(set.spec.template)) {
    k.out(`${name} skipped rollback (current template already matches revision ${target.revision})\n`);
    return 0;
  }
  const next = clone(set);
  next.spec.template = clone(target.template);
  const result = update(k, next as never);
  if (!result.ok) return fail(k, statusErrorText(result.status));
  k.out(`${name} rolled back\n`);
  return 0;
}

/** polymorphichelpers StatefulSetStatusViewer, watched until it reports done. */
function statefulSetRolloutStatus(k: Kubectl, first: StatefulSet, key: string, limit: number): number {
  if (first.spec.updateStrategy.type !== "RollingUpdate") return fail(k, "error: rollout status is only available for RollingUpdate strategy type");
  let last = "";
  let done = "";
  const read = () => k.ctx.tx.state.objects?.statefulsets?.[key] as StatefulSet | undefined;
  const ok = waitUntil(k, limit, () => {
    const sts = read();
    if (!sts) return true;
    const s = sts.status;
    const replicas = sts.spec.replicas;
    let line: string;
    if (!s.observedGeneration || (sts.metadata.generation ?? 1) > s.observedGeneration) line = "Waiting for statefulset spec update to be observed...\n";
    else if ((s.readyReplicas ?? 0) < replicas) line = `Waiting for ${replicas - (s.readyReplicas ?? 0)} pods to be ready...\n`;
    else if (sts.spec.updateStrategy.rollingUpdate) {
      // A defaulted RollingUpdate always has a partition, so this is the branch kubectl takes.
      const want = replicas - sts.spec.updateStrategy.rollingUpdate.partition;
      if ((s.updatedReplicas ?? 0) < want) line = `Waiting for partitioned roll out to finish: ${s.updatedReplicas ?? 0} out of ${want} new pods have been updated...\n`;
      else {
        done = `partitioned roll out complete: ${s.updatedReplicas ?? 0} new pods have been updated...\n`;
        return true;
      }
    } else if (s.updateRevision !== s.currentRevision) line = `waiting for statefulset rolling update to complete ${s.updatedReplicas ?? 0} pods at revision ${s.updateRevision}...\n`;
    else {
      done = `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision}...\n`;
      return true;
    }
    if (line !== last) k.out(line);
    last = line;
    return false;
  });
  if (!read()) return fail(k, notFoundText(readOneType("statefulsets"), first.metadata.name));
  if (!ok) return fail(k, "error: timed out waiting for the condition");
  k.out(done);
  return 0;
}

/** polymorphichelpers DaemonSetStatusViewer, watched until it reports done. */
function daemonSetRolloutStatus(k: Kubectl, first: DaemonSet, key: string, limit: number): number {
  if (first.spec.updateStrategy.type !== "RollingUpdate") return fail(k, "error: rollout status is only available for RollingUpdate strategy type");
  let last = "";
  let done = "";
  const ok = waitUntil(k, limit, () => {
    const d = k.ctx.tx.state.daemonSets?.[key];
    if (!d) return true;
    const s = d.status;
    let line: string;
    if ((d.metadata.generation ?? 1) > (s.observedGeneration ?? 0)) line = "Waiting for daemon set spec update to be observed...\n";
    else if ((s.updatedNumberScheduled ?? 0) < s.desiredNumberScheduled) {
      line = `Waiting for daemon set "${d.metadata.name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${s.desiredNumberScheduled} new pods have been updated...\n`;
    } else if ((s.numberAvailable ?? 0) < s.desiredNumberScheduled) {
      line = `Waiting for daemon set "${d.metadata.name}" rollout to finish: ${s.numberAvailable ?? 0} of ${s.desiredNumberScheduled} updated pods are available...\n`;
    } else {
      done = `daemon set "${d.metadata.name}" successfully rolled out\n`;
      return true;
    }
    if (line !== last) k.out(line);
    last = line;
    return false;
  });
  if (!k.ctx.tx.state.daemonSets?.[key]) return fail(k, notFoundText(readOneType("daemonsets"), first.metadata.name));
  if (!ok) return fail(k, "error: timed out waiting for the condition");
  k.out(done);
  return 0;
}

function readOneType(name = "deployments") {
  return resourceType(name);
}

export const rolloutCommand: Command = {
  name: "rollout",
  short: "Manage the rollout of a resource",
  long: `Manage the rollout of one or many resources.

 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets`,
  usage: "rollout SUBCOMMAND",
  examples: `  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc

  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo

  # Restart a deployment
  kubectl rollout restart deployment/abc`,
  flags: [],
  subcommands: [history, restart, status, undo],
};

export const waitCommand: Command = {
  name: "wait",
  short: "Experimental: Wait for a specific condition on one or many resources",
  long: "Experimental: Wait for a specific condition on one or many resources.",
  usage: "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  examples: `  # Wait for the pod "busybox1" to contain the status condition of type "Ready"
  kubectl wait --for=condition=Ready pod/busybox1

  # Wait for the pod "busybox1" to be deleted, with a timeout of 60s, after having issued the "delete" command
  kubectl delete pod/busybox1
  kubectl wait --for=delete pod/busybox1 --timeout=60s`,
  flags: [
    { name: "for", type: "string", usage: "What to wait for: create, delete, condition=NAME[=VALUE], or jsonpath='{EXPRESSION}'=VALUE." },
    { name: "timeout", type: "duration", defaultValue: "30s", usage: "How long to wait before failing." },
    { name: "all", type: "bool", usage: "Act on every object of the given types in the namespace" },
    selectorFlag,
  ],
  run: (k, flags) => {
    const forText = flags.string("for");
    if (forText === "") return fail(k, 'error: unrecognized condition: ""');
    const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(forText);
    // kubectl's conditionFuncsFor: delete and create in any case, then condition= and jsonpath= prefixes.
    const lowerFor = forText.toLowerCase();
    const jsonPathWait = forText.startsWith("jsonpath=") ? parseJsonPathWait(forText.slice("jsonpath=".length)) : undefined;
    if (jsonPathWait && !jsonPathWait.ok) return fail(k, jsonPathWait.error);
    if (!m && lowerFor !== "delete" && lowerFor !== "create" && !jsonPathWait) return fail(k, errorText(`unrecognized condition: "${forText}"`));
    const deleting = lowerFor === "delete";
    const creating = lowerFor === "create";
    if (flags.args.length === 0) {
      return fail(k, `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
    }
    const parsed = parseResourceArgs(flags.args, k.ctx.tx.state);
    if (!parsed.ok) return fail(k, parsed.error);
    const limit = parseGoDuration(flags.string("timeout")) ?? 30_000;
    let selector: LabelSelectorRequirement[] | undefined;
    if (flags.changed("selector")) {
      const s = parseSelector(flags.string("selector"));
      if (!s.ok) return fail(k, `Error from server (BadRequest): ${s.error}`);
      selector = s.requirements;
    }
    const targets: Array<{ label: string; plural: string; key: string; type: string; name: string }> = [];
    for (const request of parsed.requests) {
      // -l picks the objects of a type given without names, as kubectl's resource builder does.
      const names =
        request.names.length > 0
          ? request.names
          : readList(k.ctx.tx.state, request.type.name as "pods", k.namespace)
              .filter((o) => !selector || matchesRequirements(o.metadata.labels, selector))
              .map((o) => o.metadata.name);
      for (const name of names) {
        if (!readOne(k.ctx.tx.state, request.type, k.namespace, name)) {
          if (deleting) continue;
          if (!creating) return fail(k, notFoundText(request.type, name));
        }
        targets.push({ label: `${kindString(request.type)}/${name}`, plural: `${request.type.name}/${name}`, key: `${k.namespace}/${name}`, type: request.type.name, name });
      }
    }
    if (targets.length === 0 && !deleting) return fail(k, "error: no matching resources found");
    const conditionType = m?.[1] ?? "";
    const conditionValue = (m?.[2] ?? "True").toLowerCase();
    let jsonPathError: string | undefined;
    const holds = (t: (typeof targets)[number]): boolean => {
      const type = parsed.requests.find((r) => r.type.name === t.type)!.type;
      const obj = readOne(k.ctx.tx.state, type, k.namespace, t.name);
      if (deleting) return !obj;
      if (creating) return obj !== undefined;
      if (!obj) return false;
      if (jsonPathWait?.ok) {
        const met = jsonPathMet(jsonPathWait, asServed(type, obj as AnyObject));
        if (typeof met === "string") {
          jsonPathError = met;
          return true;
        }
        return met;
      }
      const conditions = ((obj as Pod).status?.conditions ?? []) as Array<{ type: string; status: string }>;
      return conditions.some((c) => c.type.toLowerCase() === conditionType.toLowerCase() && c.status.toLowerCase() === conditionValue);
    };
    let failed: string | undefined;
    for (const t of targets) {
      const ok = waitUntil(k, limit, () => holds(t));
      if (jsonPathError) return fail(k, `error: ${jsonPathError}`);
      if (!ok) {
        failed = t.plural;
        break;
      }
      k.out(`${t.label} condition met\n`);
    }
    if (failed) return fail(k, `error: timed out waiting for the condition on ${failed}`);
    return 0;
  },
};

export const logsCommand: Command = {
  name: "logs",
  short: "Print the logs for a container in a pod",
  long: `Print what a container wrote to its standard output and standard error.

 For a pod with one container the container name may be left out; otherwise choose it with -c. A Deployment, ReplicaSet or Service (TYPE/NAME) stands for one of its pods. -f keeps following the log as new lines arrive, --tail limits the output to the last lines, and -p shows the log of the container's previous run after a restart.`,
  usage: "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
  examples: `  # The log of pod web
  kubectl logs web

  # Only the last 20 lines
  kubectl logs web --tail=20

  # Keep printing new lines as they are written
  kubectl logs -f web

  # The log of one pod of deployment web
  kubectl logs deploy/web

  # The log of the run before the last restart, with timestamps
  kubectl logs web -p --timestamps`,
  flags: [
    { name: "container", short: "c", type: "string", usage: "Which container of the pod to read logs from" },
    { name: "tail", type: "int", defaultValue: "-1", usage: "Show only this many of the latest lines; -1 shows them all." },
    { name: "follow", short: "f", type: "bool", usage: "Keep printing new lines as they are written, until the container stops (here also once it has been quiet for a while)." },
    { name: "previous", short: "p", type: "bool", usage: "Show the logs of the container's previous run, from before its last restart." },
    { name: "timestamps", type: "bool", usage: "Start each log line with the time it was written" },
    { name: "since", type: "duration", defaultValue: "0s", usage: "Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used." },
    { name: "since-time", type: "string", usage: "Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used." },
    { name: "limit-bytes", type: "int", defaultValue: "0", usage: "Maximum bytes of logs to return. Defaults to no limit." },
    { name: "prefix", type: "bool", usage: "Prefix each log line with the log source (pod name and container name)" },
    selectorFlag,
  ],
  run: (k, flags) => {
    const selectorText = flags.string("selector");
    if (selectorText !== "") {
      if (flags.args.length === 1) return fail(k, usageErrorText(k.path, "only a selector (-l) or a POD name is allowed"));
      if (flags.args.length === 0) return logsBySelector(k, flags, selectorText);
    }
    if (flags.args.length === 0) {
      return fail(k, `error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee '${k.path} -h' for help and examples`);
    }
    let podName = flags.args[0];
    const state = k.ctx.tx.state;
    if (podName.includes("/")) {
      const parsed = parseResourceArgs([podName], k.ctx.tx.state);
      if (!parsed.ok) return fail(k, parsed.error);
      const request = parsed.requests[0];
      const owner = readOne(state, request.type, k.namespace, request.names[0]);
      if (!owner) return fail(k, notFoundText(request.type, request.names[0]));
      if (request.type.name === "pods") podName = owner.metadata.name;
      else if (["deployments", "replicasets", "daemonsets", "statefulsets", "jobs"].includes(request.type.name)) {
        // polymorphichelpers.SelectorsForObject: each of these selects its pods with spec.selector.
        const selector = (owner as Deployment).spec.selector.matchLabels ?? {};
        const pods = readList<Pod>(state, "pods", k.namespace).filter((p) => Object.entries(selector).every(([key, v]) => p.metadata.labels?.[key] === v));
        if (pods.length === 0) return fail(k, `error: timed out waiting for the condition`);
        podName = pods[0].metadata.name;
        if (pods.length > 1) k.err(`Found ${pods.length} pods, using pod/${podName}\n`);
      } else return fail(k, errorText(`cannot get the logs from ${kindString(request.type)}`));
    }
    const pod = state.pods[`${k.namespace}/${podName}`];
    // logs.go wraps the builder's NotFound ("... not found in namespace") in words of its own.
    if (!pod) return fail(k, `error: error from server (NotFound): pods ${goQuote(podName)} not found in namespace ${goQuote(k.namespace)}`);
    const names = pod.spec.containers.map((c) => c.name);
    let container = flags.string("container");
    // kubectl chooses the container itself (logsforobject.go) before it asks the API server.
    if (container === "") {
      container = names[0];
      if (names.length > 1) k.err(`Defaulted container "${container}" out of: ${names.join(", ")}\n`);
    } else if (!names.includes(container)) {
      return fail(k, `error: container ${container} is not valid for pod ${podName}`);
    }
    const tail = flags.int("tail");
    const options = logOptions(k, flags, container);
    if (typeof options === "number") return options;
    const log = readPodLog(state, k.namespace, podName, options);
    if (!log.ok) return fail(k, `Error from server (${log.reason}): ${log.message}`);
    const print = (more: string[]) => k.out(logText(more));
    k.out(log.text);
    if (flags.bool("follow") && !flags.bool("previous")) followLog(k, k.namespace, podName, container, print);
    return 0;
  },
};

/**
 * The PodLogOptions kubectl sends (logs.go ToLogOptions: --since rounded to whole seconds,
 * --since-time as RFC3339), or the exit code after its Validate's refusal, in its order.
 */
function logOptions(k: Kubectl, flags: Flags, container: string): PodLogOptions | number {
  const tail = flags.int("tail");
  const options: PodLogOptions = { container, previous: flags.bool("previous"), tailLines: tail >= 0 ? tail : undefined, timestamps: flags.bool("timestamps") };
  const limitBytes = flags.int("limit-bytes");
  if (limitBytes !== 0) options.limitBytes = limitBytes;
  const sinceMs = parseGoDuration(flags.string("since")) ?? 0;
  const sinceSeconds = Math.round(sinceMs / 1000);
  if (sinceMs !== 0) options.sinceSeconds = sinceSeconds;
  const sinceTime = flags.string("since-time");
  if (sinceTime !== "") {
    const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(sinceTime) ? Date.parse(sinceTime) : Number.NaN;
    if (Number.isNaN(at)) return fail(k, `error: parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
    options.since = Math.floor(at / 1000) * 1000;
  }
  if (sinceTime !== "" && sinceMs !== 0) return fail(k, "error: at most one of `sinceTime` or `sinceSeconds` may be specified");
  if (limitBytes < 0) return fail(k, "error: --limit-bytes must be greater than 0");
  if (sinceMs !== 0 && sinceSeconds < 0) return fail(k, "error: --since must be greater than 0");
  return options;
}

/**
 * `logs -l SELECTOR`: each matching pod's log in turn (kubectl's sequentialConsumeRequest; the
 * order of its map is random, here the pods' names), the last 10 lines of each unless --tail says
 * otherwise. The first pod whose log cannot be read ends the command with the API's error.
 */
function logsBySelector(k: Kubectl, flags: Flags, selectorText: string): number {
  const selector = parseSelector(selectorText);
  if (!selector.ok) return fail(k, `Error from server (BadRequest): ${selector.error}`);
  const state = k.ctx.tx.state;
  const pods = readList<Pod>(state, "pods", k.namespace).filter((p) => matchesRequirements(p.metadata.labels, selector.requirements));
  if (pods.length === 0) {
    k.err(`No resources found in ${k.namespace} namespace.\n`);
    return 0;
  }
  const tail = flags.changed("tail") ? flags.int("tail") : 10;
  const wanted = flags.string("container");
  for (const pod of pods) {
    const names = pod.spec.containers.map((c) => c.name);
    if (wanted !== "" && !names.includes(wanted)) return fail(k, `error: container ${wanted} is not valid for pod ${pod.metadata.name}`);
    const container = wanted || names[0];
    if (wanted === "" && names.length > 1) k.err(`Defaulted container "${container}" out of: ${names.join(", ")}\n`);
    const log = readPodLog(state, k.namespace, pod.metadata.name, { container, previous: flags.bool("previous"), tailLines: tail >= 0 ? tail : undefined });
    if (!log.ok) return fail(k, `Error from server (${log.reason}): ${log.message}`);
    const prefix = flags.bool("prefix") ? `[pod/${pod.metadata.name}/${container}] ` : "";
    k.out(logText(log.lines.map((l) => prefix + l)));
  }
  return 0;
}

/**
 * `logs -f`: new lines as simulated time runs on. It ends when the container stops (as a real
 * follow does) or, for a server that keeps running, once nothing was written for a while: a real
 * follow would wait for Ctrl+C.
 */
function followLog(k: Kubectl, namespace: string, podName: string, container: string, print: (lines: string[]) => void): void {
  let cursor = logCursor(k.ctx.tx.state, namespace, podName, container);
  let quietSince = k.ctx.tx.state.now;
  waitUntil(k, 60_000, () => {
    const next = followPodLog(k.ctx.tx.state, cursor);
    cursor = next.cursor;
    if (next.lines.length > 0) {
      print(next.lines);
      quietSince = k.ctx.tx.state.now;
    }
    return next.ended || k.ctx.tx.state.now - quietSince >= 8_000;
  });
}

type JsonPathWait = { ok: true; path: string; value?: string } | { ok: false; error: string };

/**
 * processJSONPathInput: the input split on single `=` (a `==` inside a filter stays), one or two
 * parts, the expression relaxed as --sort-by relaxes it, the value stripped of quotes.
 */
function parseJsonPathWait(input: string): JsonPathWait {
  const parts: string[] = [];
  let element = "";
  for (let i = 0; i < input.length; i++) {
    if (input[i] === "=") {
      if (input[i + 1] === "=") {
        element += "==";
        i++;
        continue;
      }
      parts.push(element);
      element = "";
      continue;
    }
    element += input[i];
  }
  parts.push(element);
  if (parts.length < 1 || parts.length > 2) {
    return { ok: false, error: "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'" };
  }
  const relaxed = relaxedPath(parts[0]);
  if (!relaxed.ok) return relaxed;
  if (parts.length === 1) return { ok: true, path: relaxed.path };
  const value = parts[1].replace(/^['"]+|['"]+$/g, "");
  if (value === "") return { ok: false, error: "error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3" };
  return { ok: true, path: relaxed.path, value };
}

/** JSONPathWait.checkCondition: met, not yet, or kubectl's error for a path that finds several values or an object. */
function jsonPathMet(wait: Extract<JsonPathWait, { ok: true }>, object: AnyObject): boolean | string {
  const found = findResults(wait.path, object) ?? [];
  if (found.length === 0) return false;
  if (found.length > 1) return "given jsonpath expression matches more than one value";
  if (wait.value === undefined) return true;
  const value = found[0];
  if (value !== null && typeof value === "object") return "jsonpath leads to a nested object or list which is not supported";
  return String(value).trim() === wait.value.trim();
}
