// kubectl describe TYPE [NAME_PREFIX] | TYPE/NAME.

import { notFoundText, parseResourceArgs, readAll } from "../builder.ts";
import { allNamespacesFlag, selectorFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { AnyObject } from "../printers/tables.ts";
import type { ResourceType } from "../resources.ts";
import { parseSelector } from "../selector.ts";
import { eventsFor } from "../../cluster/events.ts";
import { matchesRequirements } from "../../cluster/label-selector.ts";
import { deprecationWarnings } from "./get.ts";
import type { Flags } from "../flags.ts";

export const describeCommand: Command = {
  name: "describe",
  short: "Show details of a specific resource or group of resources",
  long: `Print a readable, detailed report on one or more objects.

 Besides the object's own fields the report includes related information such as the events recorded for it, the pods behind a Service, or the pods running on a node. Name one object, give a name prefix to describe all objects whose names start with it, select objects with -l, or name only a type to describe every object of that type.`,
  usage: "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
  examples: `  # Everything about one pod, events included
  kubectl describe pod web

  # A Service, with its endpoints
  kubectl describe service web

  # A node, with its capacity and the pods it runs
  kubectl describe node node01

  # Every pod whose name starts with web-
  kubectl describe pods web-

  # All pods labelled app=web
  kubectl describe pods -l app=web`,
  flags: [selectorFlag, allNamespacesFlag, { name: "show-events", type: "bool", defaultValue: "true", usage: "List the recent events about each object at the end." }],
  run: runDescribe,
};

function runDescribe(k: Kubectl, flags: Flags): number {
  if (flags.args.length === 0) {
    k.err(`You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n\n`);
    return fail(k, `error: Required resource not specified.\nSee 'kubectl describe -h' for help and examples`);
  }
  const parsed = parseResourceArgs(flags.args, k.ctx.tx.state);
  if (!parsed.ok) return fail(k, parsed.error);
  let selector;
  if (flags.changed("selector")) {
    const s = parseSelector(flags.string("selector"));
    if (!s.ok) return fail(k, `Error from server (BadRequest): ${s.error}`);
    selector = s.requirements;
  }
  const state = k.ctx.tx.state;
  const namespace = flags.bool("all-namespaces") ? undefined : k.namespace;
  for (const warning of deprecationWarnings(parsed.requests)) k.err(warning);
  const texts: string[] = [];
  const errors: string[] = [];
  for (const request of parsed.requests) {
    let all = readAll(state, request.type, request.type.namespaced ? namespace : undefined);
    if (selector) all = all.filter((o) => matchesRequirements(o.metadata.labels, selector));
    if (request.names.length === 0) {
      for (const o of all) texts.push(describeOne(k, request.type, o, flags.bool("show-events")));
      continue;
    }
    for (const name of request.names) {
      const exact = all.find((o) => o.metadata.name === name);
      const matches = exact ? [exact] : all.filter((o) => o.metadata.name.startsWith(name));
      if (matches.length === 0) errors.push(notFoundText(request.type, name));
      for (const o of matches) texts.push(describeOne(k, request.type, o, flags.bool("show-events")));
    }
  }
  if (texts.length > 0) k.out(texts.join("\n\n"));
  else if (errors.length === 0) {
    const namespaced = parsed.requests.every((r) => r.type.namespaced);
    k.err(namespaced && namespace ? `No resources found in ${namespace} namespace.\n` : "No resources found\n");
  }
  for (const e of errors) k.err(e);
  return errors.length > 0 ? 1 : 0;
}

function describeOne(k: Kubectl, type: ResourceType, object: AnyObject, showEvents: boolean): string {
  const state = k.ctx.tx.state;
  return type.def.describe(state, object, showEvents ? eventsFor(state, object) : []);
}
