// registry.k8s.io/ingress-nginx/kube-webhook-certgen (v1.6.9, ingress-nginx images/kube-webhook-certgen):
// the program ingress-nginx's two admission Jobs run. `create` makes a CA and a serving certificate
// and stores them in a Secret (keys ca, cert, key) unless the Secret exists; `patch` copies that
// CA into the ValidatingWebhookConfiguration's caBundle (and its failurePolicy), failing while the
// Secret is not there yet, so its Job's pod restarts (restartPolicy OnFailure) until `create` ran.
// Its log is logrus's JSON with the onrik filename hook (cmd/root.go): keys sorted, level info.
//
// The certificates are PEM blocks of the sizes certgen's ECDSA P-256 ones have, drawn from the
// session's random stream: the simulator has no X.509 signer and nothing in it parses them.

import { encodeBase64Bytes, utf8Bytes } from "../base64.ts";
import type { Random } from "../random.ts";
import { createObject, getObject, updateObject } from "./api-server.ts";
import { resolveEnvironment } from "./container-env.ts";
import { flagValue } from "./process.ts";
import type { Tx } from "./tx.ts";
import type { Container, Pod, SubmittedObject } from "./types.ts";

export interface TaskRun {
  output: string;
  exitCode: number;
}

/** Go's time.RFC3339 in UTC, logrus's default JSON timestamp. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** One logrus JSONFormatter line: encoding/json sorts the map's keys. */
function logLine(now: number, level: string, msg: string, source: string, err?: string): string {
  const fields: Record<string, string> = {};
  if (err !== undefined) fields.err = err;
  fields.level = level;
  fields.msg = msg;
  fields.source = source;
  fields.time = rfc3339(now);
  return JSON.stringify(fields);
}

/** `$(VAR)` in args as the kubelet expands them from the container's environment; `$$` is a literal `$`. */
function expand(arg: string, env: Readonly<Record<string, string>>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => (name === undefined ? "$" : (env[name] ?? whole)));
}

function pem(type: string, length: number, random: Random): string {
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) bytes.push(random.int(256));
  const body = encodeBase64Bytes(bytes).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
}

function b64(text: string): string {
  return encodeBase64Bytes(utf8Bytes(text));
}

export function runWebhookCertgen(tx: Tx, random: Random, now: number, pod: Pod, spec: Container): TaskRun {
  const resolved = resolveEnvironment(tx.state, pod, spec);
  const env = resolved.ok ? resolved.env : {};
  const argv = [...(spec.command ?? []), ...(spec.args ?? [])].map((a) => expand(a, env));
  const sub = argv[0];
  const flags = argv.slice(1);
  const namespace = flagValue(flags, "namespace") ?? "";
  const secretName = flagValue(flags, "secret-name") ?? "";
  const lines: string[] = [];
  const secret = getObject(tx.state, "secrets", namespace, secretName);
  const ca = secret.ok ? ((secret.value as { data?: Record<string, string> }).data?.ca ?? undefined) : undefined;
  if (!secret.ok) lines.push(logLine(now, "info", "no secret found", "k8s/k8s.go:229", `secrets "${secretName}" not found`));

  if (sub === "create") {
    if (secret.ok) {
      lines.push(logLine(now, "info", "secret already exists", "cmd/create.go:33"));
      return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 0 };
    }
    lines.push(logLine(now, "info", "creating new secret", "cmd/create.go:28"));
    const data = { ca: b64(pem("CERTIFICATE", 396, random)), cert: b64(pem("CERTIFICATE", 470, random)), key: b64(pem("EC PRIVATE KEY", 121, random)) };
    const created = createObject(tx, { apiVersion: "v1", kind: "Secret", metadata: { name: secretName, namespace }, data } as SubmittedObject, { now, random });
    if (!created.ok) {
      lines.push(logLine(now, "fatal", "failed creating secret", "k8s/k8s.go:256", created.status.message));
      return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 1 };
    }
    return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 0 };
  }

  if (sub === "patch") {
    if (ca === undefined) {
      lines.push(logLine(now, "fatal", `no secret with '${secretName}' in '${namespace}'`, "cmd/patch.go:106"));
      return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 1 };
    }
    const webhook = flagValue(flags, "webhook-name") ?? "";
    const validating = flagValue(flags, "patch-validating") !== "false";
    const mutating = flagValue(flags, "patch-mutating") !== "false";
    const policy = flagValue(flags, "patch-failure-policy") ?? "";
    lines.push(logLine(now, "info", `patching webhook configurations '${webhook}' mutating=${mutating}, validating=${validating}, failurePolicy=${policy}`, "k8s/k8s.go:118"));
    if (validating) {
      const current = getObject(tx.state, "validatingwebhookconfigurations", undefined, webhook);
      if (!current.ok) {
        lines.push(logLine(now, "fatal", "failed getting validating webhook", "cmd/patch.go:103", current.status.message));
        return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 1 };
      }
      const config = JSON.parse(JSON.stringify(current.value)) as { webhooks?: Array<{ clientConfig?: Record<string, unknown>; failurePolicy?: string }> };
      for (const hook of config.webhooks ?? []) {
        hook.clientConfig = { ...hook.clientConfig, caBundle: ca };
        if (policy !== "") hook.failurePolicy = policy;
      }
      const updated = updateObject(tx, config as never, { now, random });
      if (!updated.ok) {
        lines.push(logLine(now, "fatal", "failed patching validating webhook", "cmd/patch.go:103", updated.status.message));
        return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 1 };
      }
    }
    lines.push(logLine(now, "info", "Patched hook(s)", "k8s/k8s.go:138"));
    return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 0 };
  }
  // cobra's answer to an unknown subcommand, on stderr, exit 1.
  return { output: `Error: unknown command "${sub ?? ""}" for "kube-webhook-certgen"\nRun 'kube-webhook-certgen --help' for usage.\n`, exitCode: 1 };
}
