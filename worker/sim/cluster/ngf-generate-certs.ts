// `nginx-gateway generate-certs` (NGINX Gateway Fabric 2.6.7, cmd/gateway/certs.go), what its
// cert-generator Job runs: a CA, a server certificate for the control plane's Service and a client
// certificate for the agents, stored as two kubernetes.io/tls Secrets (keys ca.crt, tls.crt, tls.key)
// in POD_NAMESPACE; an existing Secret is left alone without --overwrite (logged by zap as JSON).
// It prints nothing when it succeeds. The PEM blocks have the sizes of its RSA-2048 ones, drawn from
// the session's random stream: nothing in the simulator parses them.

import { encodeBase64Bytes, utf8Bytes } from "../base64.ts";
import type { Random } from "../random.ts";
import { createObject, getObject } from "./api-server.ts";
import { resolveEnvironment } from "./container-env.ts";
import { flagValue } from "./process.ts";
import type { Tx } from "./tx.ts";
import type { TaskRun } from "./webhook-certgen.ts";
import type { Container, Pod, SubmittedObject } from "./types.ts";

function pem(type: string, length: number, random: Random): string {
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) bytes.push(random.int(256));
  const body = encodeBase64Bytes(bytes).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
}

const b64 = (text: string): string => encodeBase64Bytes(utf8Bytes(text));

/** zap's production JSON line, as controller-runtime's zap.New() writes it. */
function zapInfo(now: number, msg: string, name: string): string {
  return JSON.stringify({ level: "info", ts: new Date(now).toISOString(), logger: "cert-generator", msg, name });
}

export function runNgfGenerateCerts(tx: Tx, random: Random, now: number, pod: Pod, spec: Container): TaskRun {
  const resolved = resolveEnvironment(tx.state, pod, spec);
  const env = resolved.ok ? resolved.env : {};
  const argv = spec.command?.length ? [...spec.command.slice(1), ...(spec.args ?? [])] : [...(spec.args ?? [])];
  if (argv[0] !== "generate-certs") {
    return { output: `Error: unknown command "${argv[0] ?? ""}" for "gateway"\nRun 'gateway --help' for usage.\n`, exitCode: 1 };
  }
  const namespace = env.POD_NAMESPACE;
  if (!namespace) return { output: "Error: POD_NAMESPACE must be specified in the ENV\n", exitCode: 1 };
  const flags = argv.slice(1);
  const serverName = flagValue(flags, "server-tls-secret") ?? "server-tls";
  const agentName = flagValue(flags, "agent-tls-secret") ?? "agent-tls";
  const ca = pem("CERTIFICATE", 785, random);
  const lines: string[] = [];
  for (const [name, certLength] of [[serverName, 870], [agentName, 790]] as const) {
    if (getObject(tx.state, "secrets", namespace, name).ok) {
      lines.push(zapInfo(now, "Skipping updating Secret. Must be updated manually or by another source.", `${namespace}/${name}`));
      continue;
    }
    const data = { "ca.crt": b64(ca), "tls.crt": b64(pem("CERTIFICATE", certLength, random)), "tls.key": b64(pem("RSA PRIVATE KEY", 1191, random)) };
    const created = createObject(tx, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "kubernetes.io/tls", data } as SubmittedObject, { now, random });
    if (!created.ok) return { output: `${lines.map((l) => `${l}\n`).join("")}Error: error creating secrets: error creating secret ${namespace}/${name}: ${created.status.message}\n`, exitCode: 1 };
  }
  return { output: lines.map((l) => `${l}\n`).join(""), exitCode: 0 };
}
