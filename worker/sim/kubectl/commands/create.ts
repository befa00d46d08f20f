// kubectl create deployment | ingress | job | service clusterip|nodeport | namespace | quota | configmap | secret | serviceaccount | -f -
// (role, clusterrole, rolebinding and clusterrolebinding in create-rbac.ts).

import { isDNS1123Subdomain } from "../../cluster/field-errors.ts";
import { formatQuantity, parseQuantity } from "../../cluster/quantity.ts";
import type { SubmittedObject } from "../../cluster/types.ts";
import { QUANTITY_PATTERN_ERROR } from "../../kinds/resource-quota.ts";
import { dryRunFlag, saveConfigFlag, filenameFlag, outputFlag, templateFlag, validateFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { createAndPrint, dryRunOf, requireOneName } from "./common.ts";
import { applyManifests } from "./apply.ts";
import { dataCommands } from "./create-data.ts";
import { ingressCommand } from "./create-ingress.ts";
import { rbacCreateCommands } from "./create-rbac.ts";

const deployment: Command = {
  name: "deployment",
  aliases: ["deploy"],
  short: "Create a deployment with the specified name",
  usage: "create deployment NAME --image=image -- [COMMAND] [args...]",
  examples: `  # Create a deployment named my-dep that runs the busybox image
  kubectl create deployment my-dep --image=busybox

  # Create a deployment named my-dep that runs the nginx image with 3 replicas
  kubectl create deployment my-dep --image=nginx --replicas=3

  # Create a deployment named my-dep that runs the busybox image and expose port 5701
  kubectl create deployment my-dep --image=busybox --port=5701`,
  flags: [
    { name: "image", type: "stringSlice", usage: "Container image for the pods; give it more than once for several containers per pod." },
    { name: "replicas", short: "r", type: "int", defaultValue: "1", usage: "How many pods the Deployment should run." },
    { name: "port", type: "int", defaultValue: "-1", usage: "Container port to declare in the pod template." },
    dryRunFlag, saveConfigFlag,
    outputFlag, templateFlag,
  ],
  run: (k, flags) => {
    const images = flags.list("image");
    if (images.length === 0) return fail(k, `error: required flag(s) "image" not set`);
    const dashAt = flags.argsLenAtDash;
    const names = dashAt >= 0 ? flags.args.slice(0, dashAt) : flags.args;
    if (names.length !== 1) return fail(k, `error: exactly one NAME is required, got ${names.length}\nSee '${k.path} -h' for help and examples`);
    const command = dashAt >= 0 ? flags.args.slice(dashAt) : [];
    if (images.length > 1 && command.length > 0) return fail(k, "error: cannot specify multiple --image options and command");
    const name = names[0];
    const labels = { app: name };
    const used = new Set<string>();
    const containers = images.map((image) => {
      let base = image.split("/").pop()!;
      base = base.split(":")[0].split("@")[0].replace(/_/g, "-");
      let unique = base;
      for (let i = 1; used.has(unique); i++) unique = `${base}-${i}`;
      used.add(unique);
      const c: Record<string, unknown> = { image, name: unique };
      if (command.length > 0) c.command = command;
      if (flags.int("port") >= 0) c.ports = [{ containerPort: flags.int("port") }];
      c.resources = {};
      return c;
    });
    const obj: SubmittedObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { labels, name },
      spec: {
        replicas: flags.int("replicas"),
        selector: { matchLabels: labels },
        strategy: {},
        template: { metadata: { labels }, spec: { containers } },
      },
      status: {},
    };
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, obj, "created", dryRun, "failed to create deployment: ");
  },
};

/** create_job.go: one container named after the job, restartPolicy Never, the args after NAME its command. */
const job: Command = {
  name: "job",
  short: "Create a job with the specified name",
  usage: "create job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]",
  examples: `  # Create a job
  kubectl create job my-job --image=busybox

  # Create a job with a command
  kubectl create job my-job --image=busybox -- date

  # Create a job from a cron job named "a-cronjob"
  kubectl create job test-job --from=cronjob/a-cronjob`,
  flags: [
    { name: "image", type: "string", usage: "Image name to run." },
    { name: "from", type: "string", usage: "The name of the resource to create a Job from (only cronjob is supported)." },
    dryRunFlag, saveConfigFlag,
    outputFlag, templateFlag,
  ],
  run: (k, flags) => {
    if (flags.args.length === 0) return fail(k, `error: exactly one NAME is required, got 0\nSee '${k.path} -h' for help and examples`);
    const [name, ...command] = flags.args;
    const image = flags.string("image");
    const from = flags.string("from");
    if ((image === "" && from === "") || (image !== "" && from !== "")) return fail(k, "error: either --image or --from must be specified");
    if (command.length > 0 && from !== "") return fail(k, "error: cannot specify --from and command");
    // CronJobs are not served: the builder cannot map the resource type.
    if (from !== "") return fail(k, `error: the server doesn't have a resource type "${from.split("/")[0]}"`);
    const container: Record<string, unknown> = { image, name };
    if (command.length > 0) container.command = command;
    container.resources = {};
    const obj: SubmittedObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name },
      spec: { template: { metadata: {}, spec: { containers: [container], restartPolicy: "Never" } } },
      status: {},
    };
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, obj, "created", dryRun, "failed to create job: ");
  },
};

function serviceCommand(type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"): Command {
  const sub = type.toLowerCase();
  return {
    name: sub,
    short: type === "ExternalName" ? "Create an ExternalName service" : `Create a ${type} service`,
    usage: type === "ExternalName" ? "create service externalname NAME --external-name external.name [--dry-run=server|client|none]" : `create service ${sub} NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]`,
    examples:
      type === "NodePort"
        ? `  # Create a new NodePort service named my-ns
  kubectl create service nodeport my-ns --tcp=5678:8080`
        : type === "ExternalName"
          ? `  # Create a new ExternalName service named my-ns
  kubectl create service externalname my-ns --external-name bar.com`
          : `  # Create a new ${type} service named my-cs
  kubectl create service ${sub} my-cs --tcp=5678:8080`,
    flags: [
      ...(type === "ExternalName" ? [{ name: "external-name", type: "string" as const, usage: "The DNS name the Service stands for: cluster DNS answers the Service's name with a CNAME to it." }] : []),
      { name: "tcp", type: "stringSlice", usage: "Service port and the pod port it forwards to, as '<port>:<targetPort>'." },
      ...(type === "NodePort" ? [{ name: "node-port", type: "int" as const, defaultValue: "0", usage: "Port opened on every node for this Service; 0 lets the cluster pick one." }] : []),
      ...(type === "ClusterIP" ? [{ name: "clusterip", type: "string" as const, usage: "Pick the Service's cluster IP yourself, or 'None' for a headless Service that hands out pod IPs directly." }] : []),
      dryRunFlag, saveConfigFlag,
      outputFlag, templateFlag,
    ],
    run: (k, flags) => {
      const name = requireOneName(k, flags);
      if (typeof name === "number") return name;
      // cobra's MarkFlagRequired("external-name") is checked before the command runs.
      if (type === "ExternalName" && !flags.changed("external-name")) return fail(k, `error: required flag(s) "external-name" not set`);
      const tcp = flags.list("tcp");
      const clusterIP = type === "ClusterIP" ? flags.string("clusterip") : "";
      const externalName = type === "ExternalName" ? flags.string("external-name") : "";
      if (tcp.length === 0 && clusterIP !== "None" && type !== "ExternalName") return fail(k, "error: at least one tcp port specifier must be provided");
      if (type === "ExternalName" && isDNS1123Subdomain(externalName).length > 0) return fail(k, `error: invalid service external name ${externalName}`);
      const ports: Array<Record<string, unknown>> = [];
      for (const spec of tcp) {
        const [portText, targetText = portText, ...extra] = spec.split(":");
        if (extra.length > 0 || !/^\d+$/.test(portText)) return fail(k, `error: strconv.ParseUint: parsing "${portText}": invalid syntax`);
        const port = Number(portText);
        const targetPort = /^\d+$/.test(targetText) ? Number(targetText) : targetText;
        const p: Record<string, unknown> = { name: `${portText}-${targetText}`, port, protocol: "TCP", targetPort };
        if (type === "NodePort" && flags.int("node-port") > 0) p.nodePort = flags.int("node-port");
        ports.push(p);
      }
      const spec: Record<string, unknown> = { ports, selector: { app: name }, type };
      if (clusterIP !== "") spec.clusterIP = clusterIP;
      if (type === "ExternalName") spec.externalName = externalName;
      const obj: SubmittedObject = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { labels: { app: name }, name },
        spec,
        status: { loadBalancer: {} },
      };
      const dryRun = dryRunOf(k, flags);
      if (typeof dryRun === "number") return dryRun;
      return createAndPrint(k, flags, obj, "created", dryRun, `failed to create ${type} service: `);
    },
  };
}

const service: Command = {
  name: "service",
  aliases: ["svc"],
  short: "Create a service using a specified subcommand",
  usage: "create service [flags]",
  flags: [],
  subcommands: [serviceCommand("ClusterIP"), serviceCommand("ExternalName"), serviceCommand("LoadBalancer"), serviceCommand("NodePort")],
};

const namespace: Command = {
  name: "namespace",
  aliases: ["ns"],
  short: "Create a namespace with the specified name",
  usage: "create namespace NAME [--dry-run=server|client|none]",
  examples: `  # Create a new namespace named my-namespace
  kubectl create namespace my-namespace`,
  flags: [dryRunFlag, saveConfigFlag, outputFlag, templateFlag],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, { apiVersion: "v1", kind: "Namespace", metadata: { name }, spec: {}, status: {} }, "created", dryRun);
  },
};

const serviceAccount: Command = {
  name: "serviceaccount",
  aliases: ["sa"],
  short: "Create a service account with the specified name",
  usage: "create serviceaccount NAME [--dry-run=server|client|none]",
  examples: `  # Create a new service account named my-service-account
  kubectl create serviceaccount my-service-account`,
  flags: [dryRunFlag, saveConfigFlag, outputFlag, templateFlag],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name } }, "created", dryRun, "failed to create serviceaccount: ");
  },
};

const quota: Command = {
  name: "quota",
  aliases: ["resourcequota"],
  short: "Create a quota with the specified name",
  long: "Create a resource quota with the specified name, hard limits, and optional scopes.",
  usage: "create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2] [--dry-run=server|client|none]",
  examples: `  # Create a new resource quota named my-quota
  kubectl create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10

  # Create a new resource quota named best-effort
  kubectl create quota best-effort --hard=pods=100 --scopes=BestEffort`,
  flags: [
    { name: "hard", type: "string", usage: "A comma-delimited set of resource=quantity pairs that define a hard limit." },
    { name: "scopes", type: "string", usage: "A comma-delimited set of quota scopes that must all match each object tracked by the quota." },
    dryRunFlag, saveConfigFlag,
    outputFlag, templateFlag,
  ],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    // create_quota.go populateResourceListV1 and parseScopes.
    const hard: Record<string, string> = {};
    const hardText = flags.string("hard");
    if (hardText !== "") {
      for (const pair of hardText.split(",")) {
        const parts = pair.split("=");
        if (parts.length !== 2) return fail(k, `error: Invalid argument syntax ${pair}, expected <resource>=<value>`);
        const q = parseQuantity(parts[1]);
        if (!q) return fail(k, `error: ${QUANTITY_PATTERN_ERROR}`);
        hard[parts[0]] = formatQuantity(q);
      }
    }
    const scopes: string[] = [];
    const scopesText = flags.string("scopes");
    if (scopesText !== "") {
      for (const scope of scopesText.split(",")) {
        if (scope === "") return fail(k, `error: invalid resource quota scope ""`);
        scopes.push(scope);
      }
    }
    const spec: Record<string, unknown> = {};
    if (Object.keys(hard).length > 0) spec.hard = hard;
    if (scopes.length > 0) spec.scopes = scopes;
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name }, spec, status: {} }, "created", dryRun, "failed to create quota: ");
  },
};

export const createCommand: Command = {
  name: "create",
  short: "Create a resource from a file or from stdin",
  long: `Create the resources described in a file, or in standard input when the file name is -.

 Both YAML and JSON are read. Creating an object that already exists is an error; use apply to create or update.`,
  usage: "create -f FILENAME",
  examples: `  # Create everything described in a manifest
  kubectl create -f web.yaml

  # Create from standard input
  cat web.yaml | kubectl create -f -

  # Create a deployment running nginx with three pods
  kubectl create deployment web --image=nginx --replicas=3

  # Create a namespace
  kubectl create namespace team-a

  # Check the manifest that would be created, without creating it
  kubectl create deployment web --image=nginx --dry-run=client -o yaml`,
  flags: [filenameFlag, dryRunFlag, saveConfigFlag, outputFlag, templateFlag, validateFlag],
  subcommands: [rbacCreateCommands.clusterRole, rbacCreateCommands.clusterRoleBinding, dataCommands[0], deployment, ingressCommand, job, namespace, quota, rbacCreateCommands.role, rbacCreateCommands.roleBinding, dataCommands[1], service, serviceAccount],
  run: (k: Kubectl, flags: Flags) => {
    const files = flags.list("filename");
    if (files.length === 0) {
      if (flags.args.length > 0) return fail(k, `error: Unexpected args: [${flags.args.join(" ")}]\nSee '${k.path} -h' for help and examples`);
      return fail(k, "error: must specify one of -f and -k\n");
    }
    return applyManifests(k, flags, "create");
  },
};
