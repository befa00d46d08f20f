// kubectl expose: a Service whose selector is the exposed object's pod labels (pod) or selector
// (deployment, replicaset, service), ports from --port or the containers' ports.

import type { Deployment, Pod, ReplicaSet, Service, SubmittedObject } from "../../cluster/types.ts";
import { parseResourceArgs, notFoundText, readOne } from "../builder.ts";
import { dryRunFlag, saveConfigFlag, outputFlag, templateFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { errorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { createAndPrint, dryRunOf, labelMapFlag } from "./common.ts";

export const exposeCommand: Command = {
  name: "expose",
  short: "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
  long: `Create a Service that sends traffic to an existing pod, Deployment, ReplicaSet or Service.

 The new Service selects the same pods as the object it exposes: a pod's labels, or the label selector of a Deployment or ReplicaSet (which must consist of matchLabels only). Without --port the Service takes the ports the object already declares. Without --target-port the pods are reached on the same port the Service listens on. Without --labels the Service copies the labels of the exposed object. --type chooses ClusterIP (the default), NodePort or LoadBalancer.

 Accepted resource types (case does not matter):

 pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)`,
  usage: "expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]",
  examples: `  # Put a ClusterIP Service on port 80 in front of the pods of deployment web
  kubectl expose deployment web --port=80

  # Listen on port 80 and forward to port 8080 in the pods
  kubectl expose deployment web --port=80 --target-port=8080

  # Reach the deployment from outside the cluster through a port on every node
  kubectl expose deployment web --type=NodePort --port=80

  # Expose a single pod under a Service name of your choice
  kubectl expose pod web --port=80 --name=web-direct

  # Expose a UDP port
  kubectl expose deployment dns-cache --port=53 --protocol=UDP`,
  flags: [
    { name: "port", type: "string", usage: "Port the Service listens on; taken from the exposed object when left out" },
    { name: "target-port", type: "string", usage: "Container port (number or name) the Service forwards to; defaults to --port." },
    { name: "type", type: "string", usage: "Kind of Service: ClusterIP (the default), NodePort, LoadBalancer or ExternalName." },
    { name: "protocol", type: "string", usage: "Protocol of the Service port: TCP (the default), UDP or SCTP." },
    { name: "selector", type: "string", usage: "Labels (key=value, comma-separated) the Service uses to find its pods; left out, it is copied from the exposed object." },
    { name: "labels", short: "l", type: "string", usage: "Labels to put on the new Service itself." },
    { name: "name", type: "string", usage: "Name for the new Service; defaults to the exposed object's name." },
    { name: "session-affinity", type: "string", usage: "Send each client to the same pod ('ClientIP') or spread every connection ('None')" },
    { name: "cluster-ip", type: "string", usage: "Cluster IP for the Service: empty picks a free one, 'None' makes a headless Service." },
    { name: "external-ip", type: "string", usage: "An extra IP address, outside the cluster's control, on which the Service also accepts traffic." },
    { name: "load-balancer-ip", type: "string", usage: "Ask for this IP on a LoadBalancer Service; empty lets the provider choose." },
    dryRunFlag, saveConfigFlag,
    outputFlag, templateFlag,
  ],
  run: runExpose,
};

function runExpose(k: Kubectl, flags: Flags): number {
  if (flags.args.length === 0) {
    return fail(
      k,
      `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`,
    );
  }
  const parsed = parseResourceArgs(flags.args, k.ctx.tx.state, false);
  if (!parsed.ok) return fail(k, parsed.error);
  const request = parsed.requests[0];
  if (request.names.length === 0) return fail(k, "error: resource(s) were provided, but no name was specified");
  const type = request.type;
  const name = request.names[0];
  const object = readOne(k.ctx.tx.state, type, k.namespace, name);
  if (!object) return fail(k, notFoundText(type, name));
  const groupKind = type.group ? `${type.kind}.${type.group}` : type.kind;
  if (!["pods", "services", "deployments", "replicasets"].includes(type.name)) return fail(k, errorText(`cannot expose a ${groupKind}`));

  // Selector: --selector, else introspection.
  let selector = labelMapFlag(k, flags, "selector");
  if (typeof selector === "number") return selector;
  if (!selector) {
    const found = selectorOf(object as Pod | Service | Deployment | ReplicaSet, type.name);
    if (typeof found === "string") return fail(k, errorText(`couldn't retrieve selectors via --selector flag or introspection: ${found}`));
    selector = found;
  }

  // Ports: --port, else the containers' (or the service's) ports.
  let ports: Array<{ port: number; protocol: string; name?: string }>;
  const protocolFlag = flags.string("protocol");
  if (flags.string("port") !== "") {
    const portText = flags.string("port");
    if (!/^\d+$/.test(portText)) return fail(k, errorText(`strconv.Atoi: parsing "${portText}": invalid syntax`));
    ports = [{ port: Number(portText), protocol: protocolFlag || "TCP" }];
  } else {
    ports = portsOf(object as Pod | Service | Deployment | ReplicaSet, type.name);
    if (ports.length === 0 && flags.string("cluster-ip") !== "None") {
      return fail(k, errorText("couldn't find port via --port flag or introspection"));
    }
    if (protocolFlag) ports = ports.map((p) => ({ ...p, protocol: protocolFlag }));
  }
  const affinity = flags.string("session-affinity");
  if (affinity !== "" && affinity !== "None" && affinity !== "ClientIP") return fail(k, errorText(`unknown session affinity: ${affinity}`));

  const labels = labelMapFlag(k, flags, "labels") ?? { ...(object.metadata.labels ?? {}) };
  if (typeof labels === "number") return labels;
  const serviceName = (flags.string("name") || name).slice(0, 63);
  const targetText = flags.string("target-port");
  const servicePorts = ports.map((p, i) => {
    const sp: Record<string, unknown> = { port: p.port, protocol: p.protocol };
    if (ports.length > 1) sp.name = p.name ?? `port-${i + 1}`;
    sp.targetPort = targetText === "" ? p.port : /^\d+$/.test(targetText) ? Number(targetText) : targetText;
    return sp;
  });
  const spec: Record<string, unknown> = { ports: servicePorts, selector };
  if (flags.string("type") !== "") spec.type = flags.string("type");
  if (affinity !== "") spec.sessionAffinity = affinity;
  if (flags.string("cluster-ip") !== "") spec.clusterIP = flags.string("cluster-ip");
  if (flags.string("external-ip") !== "") spec.externalIPs = [flags.string("external-ip")];
  if (flags.string("load-balancer-ip") !== "") spec.loadBalancerIP = flags.string("load-balancer-ip");
  const service: SubmittedObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: Object.keys(labels).length > 0 ? { labels, name: serviceName } : { name: serviceName },
    spec,
    status: { loadBalancer: {} },
  };
  const dryRun = dryRunOf(k, flags);
  if (typeof dryRun === "number") return dryRun;
  return createAndPrint(k, flags, service, "exposed", dryRun);
}

function selectorOf(object: Pod | Service | Deployment | ReplicaSet, type: string): Record<string, string> | string {
  switch (type) {
    case "pods": {
      const labels = object.metadata.labels ?? {};
      return Object.keys(labels).length > 0 ? { ...labels } : "the pod has no labels and cannot be exposed";
    }
    case "services": {
      const s = (object as Service).spec.selector ?? {};
      return Object.keys(s).length > 0 ? { ...s } : "the service has no pod selector set";
    }
    default: {
      const sel = (object as Deployment).spec.selector;
      if (sel.matchExpressions?.length) return `couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`;
      const m = sel.matchLabels ?? {};
      return Object.keys(m).length > 0 ? { ...m } : `invalid ${type === "deployments" ? "deployment" : "replicaset"}: no selectors, therefore cannot be exposed`;
    }
  }
}

function portsOf(object: Pod | Service | Deployment | ReplicaSet, type: string): Array<{ port: number; protocol: string; name?: string }> {
  if (type === "services") return (object as Service).spec.ports.map((p) => ({ port: p.port, protocol: p.protocol, name: p.name }));
  const containers = type === "pods" ? (object as Pod).spec.containers : (object as Deployment).spec.template.spec.containers;
  const seen = new Set<string>();
  const out: Array<{ port: number; protocol: string }> = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      const key = `${p.containerPort}/${p.protocol ?? "TCP"}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ port: p.containerPort, protocol: p.protocol ?? "TCP" });
    }
  }
  return out;
}
