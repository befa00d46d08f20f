// kubectl create ingress (create_ingress.go): Validate's errors, then buildIngressSpec with
// buildTLSRules and buildIngressRules — paths per host in the order given, `path*` a Prefix path,
// any other an Exact one, `,tls[=secret]` one TLS entry per secret with its hosts.
import type { SubmittedObject } from "../../cluster/types.ts";
import { dryRunFlag, saveConfigFlag, outputFlag, templateFlag, type Command } from "../command.ts";
import { fail } from "../context.ts";
import { createAndPrint, dryRunOf, requireOneName } from "./common.ts";

// create_ingress.go regexHostPathSvc + regexTLS + "$" ((?i) and \w as RE2 reads them).
const RULE = /^([\w*\-.]*)(\/.*)=([\w-]+):([\w-]+)(,(tls)=?([\w-]+)?)?$/i;

interface Backend {
  service: { name: string; port: { number?: number; name?: string } };
}

/** buildIngressBackendSvc with parseServiceBackendPort (intstr.Parse: a number or a name). */
function backendOf(service: string): Backend {
  const [name, port = ""] = service.split(":");
  const n = /^-?\d+$/.test(port) && Number(port) >= -2147483648 && Number(port) <= 2147483647 ? Number(port) : undefined;
  return { service: { name, port: n !== undefined ? (n === 0 ? {} : { number: n }) : { name: port } } };
}

function tlsOf(rules: string[]): Array<{ hosts?: string[]; secretName?: string }> {
  const present = new Set<string>();
  const out: Array<{ hosts?: string[]; secretName?: string }> = [];
  for (const rule of rules) {
    const parts = rule.split(",");
    if (parts.length !== 2) continue;
    const host = rule.split("/")[0];
    const secretName = parts[1].split("=");
    const secret = secretName.length > 1 ? secretName[1] : "";
    if (present.has(host)) continue;
    const idx = out.findIndex((t) => (t.secretName ?? "") === secret);
    present.add(host);
    if (idx > -1) {
      (out[idx].hosts ??= []).push(host);
      continue;
    }
    const tls: { hosts?: string[]; secretName?: string } = {};
    if (host !== "") tls.hosts = [host];
    if (secret !== "") tls.secretName = secret;
    if (tls.hosts || tls.secretName) out.push(tls);
  }
  return out;
}

function rulesOf(rules: string[]): Array<{ host?: string; http: { paths: unknown[] } }> {
  const out: Array<{ host?: string; http: { paths: unknown[] } }> = [];
  for (const rule of rules) {
    const withoutTLS = rule.split(",")[0];
    const slash = withoutTLS.indexOf("/");
    const host = withoutTLS.slice(0, slash);
    const [pathPart, service = ""] = withoutTLS.slice(slash + 1).split("=");
    let path = `/${pathPart}`;
    let pathType = "Exact";
    if (path.endsWith("*")) {
      pathType = "Prefix";
      path = path.slice(0, -1);
    }
    const entry = { backend: backendOf(service), path, pathType };
    const existing = out.find((r) => (r.host ?? "") === host);
    if (existing) existing.http.paths.push(entry);
    else out.push({ ...(host !== "" ? { host } : {}), http: { paths: [entry] } });
  }
  return out;
}

export const ingressCommand: Command = {
  name: "ingress",
  aliases: ["ing"],
  short: "Create an ingress with the specified name",
  usage: "create ingress NAME --rule=host/path=service:port[,tls[=secret]]",
  examples: `  # Create a single ingress called 'simple' that directs requests to foo.com/bar to svc
  # svc1:8080 with a TLS secret "my-cert"
  kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"

  # Create a catch all ingress of "/path" pointing to service svc:port and Ingress Class as "otheringress"
  kubectl create ingress catch-all --class=otheringress --rule="/path=svc:port"

  # Create an ingress with two annotations: ingress.annotation1 and ingress.annotations2
  kubectl create ingress annotated --class=default --rule="foo.com/bar=svc:port" \\
  --annotation ingress.annotation1=foo \\
  --annotation ingress.annotation2=bla

  # Create an ingress with the same host and multiple paths
  kubectl create ingress multipath --class=default \\
  --rule="foo.com/=svc:port" \\
  --rule="foo.com/admin/=svcadmin:portadmin"

  # Create an ingress with multiple hosts and the pathType as Prefix
  kubectl create ingress ingress1 --class=default \\
  --rule="foo.com/path*=svc:8080" \\
  --rule="bar.com/admin*=svc2:http"

  # Create an ingress with TLS enabled using the default ingress certificate and different path types
  kubectl create ingress ingtls --class=default \\
  --rule="foo.com/=svc:https,tls" \\
  --rule="foo.com/path/subpath*=othersvc:8080"

  # Create an ingress with TLS enabled using a specific secret and pathType as Prefix
  kubectl create ingress ingsecret --class=default \\
  --rule="foo.com/*=svc:8080,tls=secret1"

  # Create an ingress with a default backend
  kubectl create ingress ingdefault --class=default \\
  --default-backend=defaultsvc:http \\
  --rule="foo.com/*=svc:8080,tls=secret1"`,
  flags: [
    { name: "class", type: "string", usage: "Ingress Class to be used" },
    { name: "rule", type: "stringArray", usage: "Rule in format host/path=service:port[,tls=secretname]. Paths containing the leading character '*' are considered pathType=Prefix. tls argument is optional." },
    { name: "default-backend", type: "string", usage: "Default service for backend, in format of svcname:port" },
    { name: "annotation", type: "stringArray", usage: "Annotation to insert in the ingress object, in the format annotation=value" },
    dryRunFlag, saveConfigFlag,
    outputFlag,
    templateFlag,
  ],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const rules = flags.list("rule");
    const defaultBackend = flags.string("default-backend");
    const annotations = flags.list("annotation");
    if (defaultBackend === "" && rules.length === 0) {
      return fail(k, "error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
    }
    for (const rule of rules) {
      if (!RULE.test(rule)) return fail(k, `error: rule ${rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
    }
    for (const annotation of annotations) {
      if (!annotation.includes("=")) return fail(k, `error: annotation ${annotation} is invalid and should be in format key=[value]`);
    }
    if (defaultBackend !== "" && defaultBackend.split(":").length !== 2) return fail(k, "error: default-backend should be in format servicename:serviceport");
    const metadata: Record<string, unknown> = { name };
    if (annotations.length > 0) {
      const map: Record<string, string> = {};
      for (const annotation of annotations) {
        const eq = annotation.indexOf("=");
        map[annotation.slice(0, eq)] = annotation.slice(eq + 1);
      }
      metadata.annotations = map;
    }
    const spec: Record<string, unknown> = {};
    if (flags.string("class") !== "") spec.ingressClassName = flags.string("class");
    if (defaultBackend !== "") spec.defaultBackend = backendOf(defaultBackend);
    const tls = tlsOf(rules);
    if (tls.length > 0) spec.tls = tls;
    const built = rulesOf(rules);
    if (built.length > 0) spec.rules = built;
    const obj = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata, spec, status: { loadBalancer: {} } } as unknown as SubmittedObject;
    const dryRun = dryRunOf(k, flags);
    if (typeof dryRun === "number") return dryRun;
    return createAndPrint(k, flags, obj, "created", dryRun, "failed to create ingress: ");
  },
};
