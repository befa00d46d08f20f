// registry.k8s.io/ingress-nginx/kube-webhook-certgen (v1.6.9, ingress-nginx images/kube-webhook-certgen):
// the program ingress-nginx's two admission Jobs run. `create` makes a CA and a serving certificate
// and stores them in a Secret (keys ca, cert, key) unless the Secret exists; `patch` copies that
// CA into the ValidatingWebhookConfiguration's caBundle (and its failurePolicy), failing while the
// Secret is not there yet, so its Job's pod restarts (restartPolicy OnFailure) until `create` ran.
// Its log is logrus's JSON with the onrik filename hook (cmd/root.go): keys sorted, level info.
//
// The certificates are real X.509 as pkg/certs GenerateCerts makes them (tls/x509.ts does the DER;
// the keys' arithmetic is the simulation's): an ECDSA P-256 CA "O=nil1" (keyUsage certSign,
// serverAuth, Go 1.26's SHA-256 key identifier) and a serving certificate "O=nil2" it signs for the
// --host names (IPs as IP SANs), both valid from 5 minutes before now for 100 years, 128-bit serials.

import { encodeBase64Bytes, utf8Bytes } from "../base64.ts";
import type { Random } from "../random.ts";
import { type AltName, ecPrivateKeyPem, generateEcKey, issue } from "../tls/x509.ts";
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

/** certs.GenerateCerts(host): the CA, the serving certificate and its key, in PEM. */
export function generateCerts(host: string, now: number, random: Random): { ca: string; cert: string; key: string } {
  const notBefore = Math.floor(now / 1000) * 1000 - 5 * 60_000;
  const notAfter = notBefore + 100 * 365 * 24 * 3600_000;
  // rand.Int(rand.Reader, 2^128).
  const serial = () => Array.from({ length: 16 }, () => random.int(256));
  const rootKey = generateEcKey(random);
  const root = issue({ serial: serial(), subject: [["O", "nil1"]], notBefore, notAfter, key: rootKey, ca: true, serverAuth: true, go: true, keyUsage: 0x04, sha256KeyId: true });
  const leafKey = generateEcKey(random);
  const altNames: AltName[] = host.split(",").map((h) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) ? { kind: "IP", value: h } : { kind: "DNS", value: h }));
  const leaf = issue({ serial: serial(), subject: [["O", "nil2"]], notBefore, notAfter, key: leafKey, altNames, serverAuth: true, go: true, keyUsage: 0xa0, issuer: { certificate: root.certificate, key: rootKey } });
  return { ca: root.pem, cert: leaf.pem, key: ecPrivateKeyPem(leafKey) };
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
    const certs = generateCerts(flagValue(flags, "host") ?? "", now, random);
    const data = { ca: b64(certs.ca), cert: b64(certs.cert), key: b64(certs.key) };
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
