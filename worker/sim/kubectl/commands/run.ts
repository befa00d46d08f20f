// kubectl run: one pod (labels run=<name>), optionally a ClusterIP Service for it (--expose).

import { goQuote } from "../../go-quote.ts";
import type { SubmittedObject } from "../../cluster/types.ts";
import { dryRunFlag, saveConfigFlag, outputFlag, templateFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { createAndPrint, dryRunOf, labelMapFlag } from "./common.ts";
import { runInteractive } from "./exec.ts";

export const runCommand: Command = {
  name: "run",
  short: "Run a particular image on the cluster",
  long: `Start one pod that runs the given container image.

 The pod gets the label run=NAME unless --labels says otherwise. Arguments after -- are passed to the image's entrypoint, or replace it when --command is given. With -i (and -t) the terminal is attached to the container, and --rm removes the pod once that session ends. --expose also creates a ClusterIP Service in front of the pod on --port.`,
  usage: "run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]",
  examples: `  # Run a web server in a pod called web
  kubectl run web --image=nginx

  # Run it with a container port declared and a Service created for it
  kubectl run web --image=nginx --port=80 --expose

  # Give the pod its own labels and an environment variable
  kubectl run api --image=nginx --labels="app=api,tier=backend" --env="MODE=demo"

  # Open a throwaway shell in a new pod; the pod is removed when the shell exits
  kubectl run -it --rm client --image=busybox --restart=Never -- sh

  # Run a one-off command instead of the image's own entrypoint
  kubectl run probe --image=busybox --restart=Never --command -- wget -qO- http://web

  # Show the pod manifest that would be sent, without creating anything
  kubectl run web --image=nginx --dry-run=client -o yaml`,
  flags: [
    { name: "image", type: "string", usage: "Container image the pod runs, e.g. nginx:1.27." },
    { name: "port", type: "string", usage: "Container port to declare on the pod (also the Service port with --expose)." },
    { name: "labels", short: "l", type: "string", usage: "Labels for the new pod, as key=value pairs separated by commas." },
    { name: "env", type: "stringArray", usage: "Set an environment variable in the container as NAME=value; repeat for more." },
    { name: "restart", type: "string", defaultValue: "Always", usage: "What to do when the container exits: Always, OnFailure or Never." },
    { name: "expose", type: "bool", usage: "Also create a ClusterIP Service in front of the pod, on the port given by --port." },
    { name: "command", type: "bool", usage: "Treat the words after -- as the container's command (replacing the image entrypoint) rather than as its args." },
    { name: "stdin", short: "i", type: "bool", usage: "Keep the container's standard input open so you can type into it." },
    { name: "tty", short: "t", type: "bool", usage: "Give the container a terminal; needs -i." },
    { name: "rm", type: "bool", usage: "Remove the pod once its session ends; only with an attached session (-i)." },
    { name: "image-pull-policy", type: "string", usage: "When to pull the image: Always, IfNotPresent or Never." },
    dryRunFlag, saveConfigFlag,
    outputFlag, templateFlag,
  ],
  run: runRun,
};

function runRun(k: Kubectl, flags: Flags): number {
  const dashAt = flags.argsLenAtDash;
  const name = flags.args.length > 0 && dashAt !== 0 ? flags.args[0] : "";
  const image = flags.string("image");
  if (!flags.changed("image")) return fail(k, `error: required flag(s) "image" not set`);
  if (name === "") return fail(k, usageErrorText(k.path, "NAME is required for run"));
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:(?::\d+)?\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/.test(image)
    && !/^[a-zA-Z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[\w][\w.-]{0,127})?$/.test(image)) {
    return fail(k, `error: Invalid image name ${goQuote(image)}: invalid reference format`);
  }
  const restart = flags.string("restart");
  if (!["Always", "OnFailure", "Never"].includes(restart)) {
    return fail(k, usageErrorText(k.path, `invalid restart policy: ${restart}`));
  }
  const interactive = flags.bool("stdin");
  if (flags.bool("tty") && !interactive) return fail(k, usageErrorText(k.path, "-i/--stdin is required for containers with -t/--tty=true"));
  if (flags.bool("rm") && !interactive) return fail(k, usageErrorText(k.path, "--rm should only be used for attached containers"));
  const portText = flags.string("port");
  let port: number | undefined;
  if (portText !== "") {
    if (!/^-?\d+$/.test(portText)) return fail(k, `error: strconv.Atoi: parsing "${portText}": invalid syntax`);
    port = Number(portText);
  }
  if (flags.bool("expose") && port === undefined) return fail(k, usageErrorText(k.path, "--port must be set when exposing a service"));
  const labels = labelMapFlag(k, flags, "labels") ?? { run: name };
  if (typeof labels === "number") return labels;
  const env: Array<{ name: string; value: string }> = [];
  for (const e of flags.list("env")) {
    const eq = e.indexOf("=");
    if (eq <= 0) return fail(k, `error: invalid env: ${e}`);
    env.push({ name: e.slice(0, eq), value: e.slice(eq + 1) });
  }
  const extra = dashAt >= 0 ? flags.args.slice(dashAt) : flags.args.slice(1);
  const container: Record<string, unknown> = { name, image };
  if (extra.length > 0) container[flags.bool("command") ? "command" : "args"] = extra;
  if (env.length > 0) container.env = env;
  if (flags.string("image-pull-policy")) container.imagePullPolicy = flags.string("image-pull-policy");
  if (port !== undefined) container.ports = [{ containerPort: port }];
  container.resources = {};
  if (interactive) {
    container.stdin = true;
    if (flags.bool("tty")) container.tty = true;
    container.stdinOnce = true;
  }
  const pod: SubmittedObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels, name },
    spec: { containers: [container], dnsPolicy: "ClusterFirst", restartPolicy: restart },
    status: {},
  };
  const dryRun = dryRunOf(k, flags);
  if (typeof dryRun === "number") return dryRun;

  if (flags.bool("expose") && port !== undefined) {
    const service: SubmittedObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, labels },
      spec: { ports: [{ port, protocol: "TCP", targetPort: port }], selector: labels },
      status: { loadBalancer: {} },
    };
    const code = createAndPrint(k, flags, service, "created", dryRun);
    if (code !== 0) return code;
  }
  if (interactive && dryRun === "none") return runInteractive(k, pod, flags.bool("rm"), flags.bool("tty"));
  return createAndPrint(k, flags, pod, "created", dryRun);
}
