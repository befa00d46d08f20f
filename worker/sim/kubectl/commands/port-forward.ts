// kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...: kubectl's checks and messages (portforward.go in
// kubectl and client-go), then the forward runs as a job of the workstation's shell (shell/jobs.ts):
// in the background with `&`, or holding the console until Ctrl+C. Connections to its ports take
// the API server's tunnel (net/port-forward.ts).

import type { Pod, Service } from "../../cluster/types.ts";
import { get } from "../api.ts";
import { attachablePod } from "../attachable-pod.ts";
import type { Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import { statusErrorText, usageErrorText } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { ForwardedPort } from "../port-forward-types.ts";
import { lookupResource } from "../resources.ts";
import { WORKSTATION_IP } from "../../net/places.ts";

export const portForwardCommand: Command = {
  name: "port-forward",
  short: "Forward one or more local ports to a pod",
  long: `Forward one or more local ports to a pod.

 Use resource type/name such as deployment/mydeployment to select a pod. Resource type defaults to 'pod' if omitted.

 If there are multiple pods matching the criteria, a pod will be selected automatically. The forwarding session ends when the selected pod terminates, and a rerun of the command is needed to resume forwarding.`,
  usage: "port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
  examples: `  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in the pod
  kubectl port-forward pod/mypod 5000 6000

  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in a pod selected by the deployment
  kubectl port-forward deployment/mydeployment 5000 6000

  # Listen on port 8443 locally, forwarding to the targetPort of the service's port named "https" in a pod selected by the service
  kubectl port-forward service/myservice 8443:https

  # Listen on port 8888 locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod 8888:5000

  # Listen on port 8888 on all addresses, forwarding to 5000 in the pod
  kubectl port-forward --address 0.0.0.0 pod/mypod 8888:5000

  # Listen on port 8888 on localhost and selected IP, forwarding to 5000 in the pod
  kubectl port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000

  # Listen on a random port locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod :5000`,
  flags: [
    { name: "address", type: "stringSlice", defaultValue: "[localhost]", usage: "Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubectl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind." },
    { name: "pod-running-timeout", type: "duration", defaultValue: "1m0s", usage: "The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running" },
  ],
  run: runPortForward,
};

/** Go's splitPort: `L:R`, or one port for both. */
function splitPort(spec: string): [string, string] {
  const parts = spec.split(":");
  return parts.length === 2 ? [parts[0], parts[1]] : [parts[0], parts[0]];
}

const isNumber = (text: string) => /^[+-]?\d+$/.test(text);

function containerPortByName(pod: Pod, name: string): number | string {
  for (const c of pod.spec.containers) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  return `Pod '${pod.metadata.name}' does not have a named port '${name}'`;
}

/** translateServicePortToTargetPort: a Service's port (number or name) becomes the pod's port. */
function translateServicePorts(specs: string[], svc: Service, pod: Pod): string[] | string {
  const out: string[] = [];
  for (const spec of specs) {
    let [local, remote] = splitPort(spec);
    let portnum: number;
    if (!isNumber(remote)) {
      const named = svc.spec.ports.find((p) => p.name === remote);
      if (!named) return `Service '${svc.metadata.name}' does not have a named port '${remote}'`;
      portnum = named.port;
      if (local === remote) local = String(portnum);
    } else portnum = Number(remote);
    const sp = svc.spec.ports.find((p) => p.port === portnum);
    if (!sp) return `Service ${svc.metadata.name} does not have a service port ${portnum}`;
    let container: number | string;
    if (svc.spec.clusterIP === "None") container = portnum;
    else if (typeof sp.targetPort === "number") container = sp.targetPort === 0 ? sp.port : sp.targetPort;
    else container = containerPortByName(pod, sp.targetPort);
    if (typeof container === "string") return container;
    remote = String(container);
    out.push(local !== remote ? `${local}:${remote}` : remote);
  }
  return out;
}

/** convertPodNamedPortToNumber. */
function podPorts(specs: string[], pod: Pod): string[] | string {
  const out: string[] = [];
  for (const spec of specs) {
    const [local, remote] = splitPort(spec);
    if (remote === "") return "remote port cannot be empty";
    let port = remote;
    if (!isNumber(remote)) {
      const found = containerPortByName(pod, remote);
      if (typeof found === "string") return found;
      port = String(found);
    }
    out.push(local !== remote ? `${local}:${port}` : port);
  }
  return out;
}

/** client-go's parsePorts, with Go's strconv errors. */
function parsePorts(specs: string[]): ForwardedPort[] | string {
  const out: ForwardedPort[] = [];
  const parse = (text: string, which: string): number | string => {
    if (!/^\d+$/.test(text)) return `error parsing ${which} port '${text}': strconv.ParseUint: parsing "${text}": invalid syntax`;
    const n = Number(text);
    if (n > 65535) return `error parsing ${which} port '${text}': strconv.ParseUint: parsing "${text}": value out of range`;
    return n;
  };
  for (const spec of specs) {
    const parts = spec.split(":");
    if (parts.length > 2) return `invalid port format '${spec}'`;
    const localText = parts.length === 1 ? parts[0] : parts[0] === "" ? "0" : parts[0];
    const remoteText = parts.length === 1 ? parts[0] : parts[1];
    const local = parse(localText, "local");
    if (typeof local === "string") return local;
    const remote = parse(remoteText, "remote");
    if (typeof remote === "string") return remote;
    if (remote === 0) return "remote port must be > 0";
    out.push({ local, remote });
  }
  return out;
}

/** parseAddresses: `localhost` is 127.0.0.1 and ::1 (either may bind), an IP must bind; sorted as Go sorts them. */
function parseAddresses(list: string[]): Array<{ address: string; v6: boolean; all: boolean }> | string {
  const parsed = new Map<string, { address: string; v6: boolean; all: boolean }>();
  for (const address of list) {
    if (address === "localhost") {
      if (!parsed.has("127.0.0.1")) parsed.set("127.0.0.1", { address: "127.0.0.1", v6: false, all: true });
      if (!parsed.has("::1")) parsed.set("::1", { address: "::1", v6: true, all: true });
    } else if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(address) && address.split(".").every((o) => Number(o) <= 255)) {
      parsed.set(address, { address, v6: false, all: false });
    } else if (/^[0-9a-fA-F:]+$/.test(address) && address.includes(":")) {
      parsed.set(address, { address, v6: true, all: false });
    } else return `${address} is not a valid IP`;
  }
  return [...parsed.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Go's net.JoinHostPort. */
const joinHostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

/** Addresses the workstation has: loopback, its host-only network address, and the wildcards. */
function assignable(address: string): boolean {
  return address.startsWith("127.") || address === WORKSTATION_IP || address === "0.0.0.0" || address === "::1" || address === "::";
}

/** Two listen addresses that cannot both bind one port: the same, or a wildcard of the family. */
function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const v6 = (x: string) => x.includes(":");
  if (v6(a) !== v6(b)) return a === "::" || b === "::";
  return a === "0.0.0.0" || b === "0.0.0.0" || a === "::" || b === "::";
}

function runPortForward(k: Kubectl, flags: Flags): number {
  const args = flags.args;
  if (args.length < 2) return fail(k, usageErrorText(k.path, "TYPE/NAME and list of ports are required for port-forward"));
  if (!k.ctx.hold || !k.ctx.jobs) {
    return fail(k, 'error: "kubectl port-forward" runs only in the workstation\'s shell in this playground (it becomes one of that shell\'s jobs)');
  }
  const attachable = attachablePod(k, args[0]);
  if ("error" in attachable) return fail(k, attachable.error);
  const found = get(k, "pods", k.namespace, attachable.pod);
  if (!found.ok) return fail(k, statusErrorText(found.status));
  const pod = found.value as Pod;
  const slash = args[0].indexOf("/");
  const type = slash < 0 ? undefined : lookupResource(args[0].slice(0, slash), k.ctx.tx.state);
  let specs: string[] | string;
  if (type?.ok && type.type.name === "services") {
    const svc = get(k, "services", k.namespace, args[0].slice(slash + 1));
    if (!svc.ok) return fail(k, statusErrorText(svc.status));
    const service = svc.value as Service;
    const udpOnly = (port: number) => service.spec.ports.some((p) => p.port === port && p.protocol === "UDP") && !service.spec.ports.some((p) => p.port === port && p.protocol === "TCP");
    for (const spec of args.slice(1)) {
      const remote = splitPort(spec)[1];
      const named = isNumber(remote) ? Number(remote) : service.spec.ports.find((p) => p.name === remote)?.port;
      if (named === undefined) return fail(k, `error: Service '${service.metadata.name}' does not have a named port '${remote}'`);
      if (udpOnly(named)) return fail(k, `error: UDP protocol is not supported for ${remote}`);
    }
    specs = translateServicePorts(args.slice(1), service, pod);
  } else {
    specs = podPorts(args.slice(1), pod);
  }
  if (typeof specs === "string") return fail(k, `error: ${specs}`);
  if (pod.status.phase !== "Running") return fail(k, `error: unable to forward port because pod is not running. Current status=${pod.status.phase}`);
  const addressList = flags.changed("address") ? flags.list("address") : ["localhost"];
  const addresses = parseAddresses(addressList);
  if (typeof addresses === "string") return fail(k, `error: ${addresses}`);
  const ports = parsePorts(specs);
  if (typeof ports === "string") return fail(k, `error: ${ports}`);

  // Listen on each port at each address, as client-go does; what other forwards hold is in use.
  const held = k.ctx.jobs.table.jobs.filter((j) => j.forward && !j.ended).flatMap((j) => j.forward!.ports.flatMap((p) => j.forward!.addresses.map((a) => ({ address: a, port: p.local }))));
  const root = k.ctx.shell[k.ctx.shell.length - 1].kind !== "pod" && (k.ctx.shell[k.ctx.shell.length - 1] as { user?: string }).user === "root";
  const listening: ForwardedPort[] = [];
  const bound: string[] = [];
  for (const port of ports) {
    const errors: string[] = [];
    let failedAll = 0;
    let okAll = 0;
    let failedAny = 0;
    const claimed: string[] = [];
    for (const a of addresses) {
      if (port.local === 0) port.local = 32768 + k.ctx.random.int(28232);
      const where = `${a.v6 ? "tcp6" : "tcp4"} ${joinHostPort(a.address, port.local)}`;
      let error: string | undefined;
      if (!assignable(a.address)) error = `listen ${where}: bind: cannot assign requested address`;
      else if (held.some((h) => h.port === port.local && overlaps(h.address, a.address)) || bound.some((b) => b === `${a.address}|${port.local}`)) error = `listen ${where}: bind: address already in use`;
      // Ubuntu keeps ports below 1024 for root (net.ipv4.ip_unprivileged_port_start=1024).
      else if (port.local < 1024 && !root) error = `listen ${where}: bind: permission denied`;
      if (error) {
        errors.push(`unable to create listener: Error ${error}`);
        if (a.all) failedAll++;
        else failedAny++;
        continue;
      }
      if (a.all) okAll++;
      claimed.push(a.address);
      k.out(`Forwarding from ${joinHostPort(a.address, port.local)} -> ${port.remote}\n`);
    }
    if ((okAll === 0 && failedAll > 0) || failedAny > 0) {
      k.err(`Unable to listen on port ${port.local}: Listeners failed to create with the following errors: [${errors.join(" ")}]\n`);
      continue;
    }
    listening.push(port);
    for (const address of claimed) bound.push(`${address}|${port.local}`);
  }
  if (listening.length === 0) return fail(k, `error: unable to listen on any of the requested ports: [${ports.map((p) => `{${p.local} ${p.remote}}`).join(" ")}]`);
  const forward = {
    namespace: k.namespace,
    pod: pod.metadata.name,
    uid: pod.metadata.uid ?? "",
    ports: listening,
    addresses: addresses.map((a) => a.address),
    // The pod's cluster (kubectl --context): connections to the port reach it whatever the current context is then.
    ...(k.ctx.clusters ? { cluster: k.ctx.clusters.acting } : {}),
    ...(k.ctx.stdoutIsTerminal === false ? { quiet: true as const } : {}),
  };
  k.ctx.hold({ kind: "port-forward", forward });
  return 0;
}
