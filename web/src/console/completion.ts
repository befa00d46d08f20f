// Tab completion as a shell with kubectl's completion script would do it: programs, kubectl
// subcommands, resource types, object names from the cluster the map shows, flags and their values.
import { allImages } from "../../../worker/sim/cluster/images.ts";
import type { ClusterView } from "../../../worker/sim/view.ts";

export interface Completion {
  /** The line after completing (unchanged when nothing could be added). */
  line: string;
  cursor: number;
  /** Every match for the word under the cursor, for listing when there is more than one. */
  candidates: string[];
}

// The programs each place has (worker/sim/shell: the workstation's and nodes' tools, the file tools and
// editors, and what every image with a shell has); image-specific clients (psql, redis-cli) are left out.
const FILE_TOOLS = ["cat", "cd", "cp", "diff", "head", "ls", "mkdir", "mv", "nano", "pwd", "rm", "sed", "tail", "tee", "touch", "vi", "vim", "wc"];
const PROGRAMS: Record<ClusterView["shell"]["kind"], string[]> = {
  workstation: ["kubectl", "helm", "curl", "ssh", "ip", "echo", "export", "for", "seq", "sleep", "jobs", "fg", "kill", "wait", "clear", "exit", "base64", "printf", "printenv", "help", "history", "man", ...FILE_TOOLS],
  node: ["kubectl", "curl", "ping", "ip", "seq", "sleep", "exit", "clear", "hostname", "sudo", "iptables", "iptables-save", "ipvsadm", "ipset", "crictl", "conntrack", "ps", "base64", "printenv", "help", "history", "man", ...FILE_TOOLS],
  pod: ["curl", "wget", "nslookup", "dig", "host", "nc", "telnet", "ps", "ping", "ip", "ifconfig", "env", "printenv", "hostname", "seq", "sleep", "exit", "clear", "base64", ...FILE_TOOLS],
};

const SUBCOMMANDS = [
  "annotate", "api-resources", "apply", "cluster-info", "config", "cordon", "create", "delete", "describe", "drain", "edit", "exec",
  "explain", "expose", "get", "label", "logs", "port-forward", "rollout", "run", "scale", "set", "taint", "uncordon", "version",
];

const CONFIG_SUBCOMMANDS = ["current-context", "delete-context", "get-clusters", "get-contexts", "get-users", "set-context", "use-context", "view"];

/** The registry's resource names (worker/sim/kinds), kept here so the page does not load the simulation; a test compares them. */
export const RESOURCE_TYPES = [
  "all", "backendtlspolicies", "clusterrolebindings", "clusterroles", "configmaps", "customresourcedefinitions", "daemonsets",
  "deployments", "endpoints", "endpointslices", "events", "gatewayclasses", "gateways", "grpcroutes", "httproutes", "ingressclasses", "ingresses", "ipaddresspools", "jobs", "l2advertisements", "leases", "limitranges", "listenersets", "namespaces", "networkpolicies",
  "nginxgateways", "nginxproxies", "nodes", "persistentvolumeclaims", "persistentvolumes", "pods", "referencegrants", "replicasets", "resourcequotas", "rolebindings", "roles", "secrets",
  "serviceaccounts", "services", "statefulsets", "storageclasses", "tlsroutes", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "validatingwebhookconfigurations",
];

/** Short and singular names kubectl accepts, mapped to the kind they mean. */
const TYPE_ALIASES: Record<string, Kind> = {
  po: "pod", pod: "pod", pods: "pod",
  svc: "service", service: "service", services: "service",
  deploy: "deployment", deployment: "deployment", deployments: "deployment",
  no: "node", node: "node", nodes: "node",
  ns: "namespace", namespace: "namespace", namespaces: "namespace",
  ep: "endpoints", endpoints: "endpoints",
};

type Kind = "pod" | "service" | "deployment" | "node" | "namespace" | "endpoints";

const COMMON_FLAGS = ["--namespace", "-n", "--help", "-h"];
const FLAGS: Record<string, string[]> = {
  get: ["-o", "--output", "-l", "--selector", "-A", "--all-namespaces", "-w", "--watch", "--show-labels", "--no-headers", "--sort-by"],
  describe: ["-l", "--selector", "-A", "--all-namespaces"],
  delete: ["-l", "--selector", "--all", "--force", "--grace-period", "--now", "--wait"],
  run: ["--image", "--port", "--labels", "-l", "--env", "--restart", "--rm", "-i", "-t", "-it", "--expose", "--command", "--dry-run", "-o"],
  expose: ["--port", "--target-port", "--type", "--name", "--protocol", "--selector", "--dry-run", "-o"],
  create: ["--image", "--replicas", "--port", "--dry-run", "-o", "-f", "--filename"],
  apply: ["-f", "--filename", "--dry-run", "-o"],
  exec: ["-it", "-i", "-t", "-c", "--container", "--stdin", "--tty"],
  logs: ["-c", "--container", "-f", "--follow", "--tail", "--previous", "-p"],
  label: ["--overwrite", "--all", "-l", "--selector"],
  scale: ["--replicas"],
  config: ["--current", "--minify", "--namespace", "-o", "--output"],
  drain: ["--ignore-daemonsets", "--force", "--delete-emptydir-data", "--timeout"],
};

const FLAG_VALUES: Record<string, (view: ClusterView | undefined) => string[]> = {
  "-o": () => ["json", "name", "wide", "yaml"],
  "--output": () => ["json", "name", "wide", "yaml"],
  "--type": () => ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
  "--image": () => allImages().map((image) => image.repository),
  "--restart": () => ["Always", "Never", "OnFailure"],
  "--dry-run": () => ["client", "none", "server"],
  "-n": namespaces,
  "--namespace": namespaces,
};

/** Flags that take the next word as their value (so that word is not a positional argument). */
const VALUE_FLAGS = new Set([
  "-n", "--namespace", "-o", "--output", "-l", "--selector", "--image", "--port", "--target-port", "--type",
  "--name", "--protocol", "-c", "--container", "--replicas", "--labels", "--env", "--restart", "-f",
  "--filename", "--tail", "--grace-period",
]);

function namespaces(view: ClusterView | undefined): string[] {
  const set = new Set(["default", "kube-node-lease", "kube-public", "kube-system"]);
  for (const pod of view?.pods ?? []) set.add(pod.namespace);
  for (const svc of view?.services ?? []) set.add(svc.namespace);
  return [...set].sort();
}

function namesOf(kind: Kind, view: ClusterView | undefined, namespace: string | null): string[] {
  if (!view) return [];
  const inNs = (ns: string) => namespace === null || ns === namespace;
  switch (kind) {
    case "pod":
      return view.pods.filter((p) => inNs(p.namespace)).map((p) => p.name);
    case "service":
    case "endpoints":
      return view.services.filter((s) => inNs(s.namespace)).map((s) => s.name);
    case "deployment":
      return view.deployments.filter((d) => inNs(d.namespace)).map((d) => d.name);
    case "node":
      return view.nodes.map((n) => n.name);
    case "namespace":
      return namespaces(view);
  }
}

function curlTargets(view: ClusterView | undefined, kind: ClusterView["shell"]["kind"]): string[] {
  if (!view) return [];
  const targets: string[] = [];
  const nodePorts = view.services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => !!p));
  for (const node of view.nodes) {
    targets.push(node.ip);
    for (const port of nodePorts) targets.push(`${node.ip}:${port}`);
  }
  if (kind !== "workstation") {
    for (const svc of view.services) for (const port of svc.ports) targets.push(`${svc.clusterIP}:${port.port}`);
    for (const pod of view.pods) if (pod.ip) for (const port of pod.listening) targets.push(`${pod.ip}:${port}`);
  }
  return targets;
}

/** Completes the word that ends at `cursor`. */
export function complete(line: string, cursor: number, view: ClusterView | undefined): Completion {
  const before = line.slice(0, cursor);
  const start = Math.max(before.lastIndexOf(" "), before.lastIndexOf("\t")) + 1;
  const word = before.slice(start);
  const words = before.slice(0, start).trim().split(/\s+/).filter(Boolean);
  const shellKind = view?.shell.kind ?? "workstation";

  let prefix = "";
  let partial = word;
  let options: string[];

  if (words.length === 0) {
    options = PROGRAMS[shellKind];
  } else if (words[0] === "ssh") {
    options = namesOf("node", view, null);
  } else if (words[0] === "curl" || words[0] === "wget" || words[0] === "ping") {
    const scheme = /^https?:\/\//.exec(word)?.[0] ?? "";
    prefix = scheme;
    partial = word.slice(scheme.length);
    options = curlTargets(view, shellKind);
  } else if (words[0] === "kubectl") {
    ({ prefix, partial, options } = kubectlOptions(words.slice(1), word, view));
  } else {
    options = [];
  }

  const candidates = [...new Set(options.filter((o) => o.startsWith(partial)))].sort();
  if (candidates.length === 0) return { line, cursor, candidates };
  let completed = prefix + commonPrefix(candidates);
  if (candidates.length === 1 && !/[=/]$/.test(completed)) completed += " ";
  if (completed.length <= word.length) return { line, cursor, candidates: candidates.map((c) => prefix + c) };
  const next = line.slice(0, start) + completed + line.slice(cursor);
  return { line: next, cursor: start + completed.length, candidates: candidates.map((c) => prefix + c) };
}

function kubectlOptions(args: string[], word: string, view: ClusterView | undefined) {
  let namespace: string | null = "default";
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-A" || arg === "--all-namespaces") namespace = null;
    else if ((arg === "-n" || arg === "--namespace") && i + 1 < args.length) namespace = args[++i];
    else if (arg.startsWith("--namespace=")) namespace = arg.slice("--namespace=".length);
    else if (arg === "--") break;
    else if (arg.startsWith("-")) {
      if (VALUE_FLAGS.has(arg) && !arg.includes("=")) i++;
    } else positional.push(arg);
  }
  const sub = positional[0];
  const previous = args[args.length - 1];

  // --flag=value and "--flag value"
  const eq = /^(--?[a-z-]+)=(.*)$/.exec(word);
  if (eq && FLAG_VALUES[eq[1]]) return { prefix: eq[1] + "=", partial: eq[2], options: FLAG_VALUES[eq[1]](view) };
  if (previous && VALUE_FLAGS.has(previous) && args.length > 0) {
    return { prefix: "", partial: word, options: FLAG_VALUES[previous]?.(view) ?? [] };
  }
  if (word.startsWith("-")) {
    return { prefix: "", partial: word, options: [...(sub ? FLAGS[sub] ?? [] : []), ...COMMON_FLAGS] };
  }
  if (!sub) return { prefix: "", partial: word, options: SUBCOMMANDS };

  const rest = positional.slice(1);
  switch (sub) {
    case "get":
    case "describe":
    case "delete":
    case "edit":
    case "label":
    case "annotate":
    case "expose":
    case "scale": {
      const slash = word.indexOf("/");
      if (slash > 0) {
        const kind = TYPE_ALIASES[word.slice(0, slash)];
        return { prefix: word.slice(0, slash + 1), partial: word.slice(slash + 1), options: kind ? namesOf(kind, view, namespace) : [] };
      }
      if (rest.length === 0) {
        const types = sub === "expose" ? ["deployment", "pod", "replicaset", "service"] : sub === "scale" ? ["deployment", "replicaset", "statefulset"] : RESOURCE_TYPES;
        return { prefix: "", partial: word, options: types };
      }
      const kind = TYPE_ALIASES[rest[0].split(",")[0]];
      return { prefix: "", partial: word, options: kind ? namesOf(kind, view, namespace) : [] };
    }
    case "logs":
    case "exec":
    case "port-forward":
      return { prefix: "", partial: word, options: rest.length === 0 ? namesOf("pod", view, namespace) : [] };
    case "create":
      return { prefix: "", partial: word, options: rest.length === 0 ? ["deployment", "namespace", "service"] : [] };
    case "set":
      return { prefix: "", partial: word, options: rest.length === 0 ? ["image"] : rest.length === 1 ? ["daemonset", "deployment", "pod", "replicaset"] : [] };
    case "taint":
      return { prefix: "", partial: word, options: rest.length === 0 ? ["nodes"] : rest.length === 1 ? namesOf("node", view, namespace) : [] };
    case "cordon":
    case "uncordon":
    case "drain":
      return { prefix: "", partial: word, options: rest.length === 0 ? namesOf("node", view, namespace) : [] };
    case "config":
      return { prefix: "", partial: word, options: rest.length === 0 ? CONFIG_SUBCOMMANDS : [] };
    default:
      return { prefix: "", partial: word, options: [] };
  }
}

function commonPrefix(words: string[]): string {
  let prefix = words[0];
  for (const w of words) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i] === w[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
