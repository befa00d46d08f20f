// kubectl create configmap | secret generic|tls|docker-registry (kubectl pkg/cmd/create
// create_configmap.go, create_secret.go, create_secret_tls.go, create_secret_docker.go): the
// object built on the client, with kubectl's own errors for bad sources. Files are read from the
// machine kubectl runs on (the workstation): --from-file (a file, key=file, or a directory's
// files), --from-env-file, and tls's --cert and --key.
import { keyPairError } from "../../tls/key-pair.ts";
import type { SubmittedObject } from "../../cluster/types.ts";
import { encodeBase64 } from "../../base64.ts";
import { goQuote } from "../../go-quote.ts";
import { isConfigMapKey } from "../../cluster/field-errors.ts";
import { dryRunFlag, saveConfigFlag, outputFlag, templateFlag, type Command } from "../command.ts";
import { fail, type Kubectl } from "../context.ts";
import type { Flags } from "../flags.ts";
import { readLocalDirectory, readLocalFile } from "../files.ts";
import { createAndPrint, dryRunOf, requireOneName } from "./common.ts";

type Sources = { ok: true; data: Record<string, string> } | { ok: false; error: string };

/** --from-file, --from-literal and --from-env-file sources, checked and added in that order as kubectl does. */
function literalSources(k: Kubectl, flags: Flags, keyError: (key: string, errs: string[]) => string, duplicate: (key: string) => string): Sources {
  const data: Record<string, string> = {};
  const envFiles = flags.has("from-env-file") ? flags.list("from-env-file") : [];
  if (envFiles.length > 0 && (flags.list("from-file").length > 0 || flags.list("from-literal").length > 0)) {
    return { ok: false, error: "error: from-env-file cannot be combined with from-file or from-literal" };
  }
  const add = (key: string, value: string): string | undefined => {
    const errs = isConfigMapKey(key);
    if (errs.length > 0) return keyError(key, errs);
    if (Object.hasOwn(data, key)) return duplicate(key);
    data[key] = value;
    return undefined;
  };
  for (const source of flags.list("from-file")) {
    const eq = source.indexOf("=");
    const key = eq >= 0 ? source.slice(0, eq) : "";
    const path = eq >= 0 ? source.slice(eq + 1) : source;
    if (eq >= 0 && (key === "" || path === "")) return { ok: false, error: `error: key names or file paths cannot be empty` };
    const dir = readLocalDirectory(k, path);
    if (dir) {
      if (key !== "") return { ok: false, error: `error: cannot give a key name for a directory path` };
      for (const file of dir) {
        const problem = add(file.name, file.text);
        if (problem) return { ok: false, error: problem };
      }
      continue;
    }
    const read = readLocalFile(k, path);
    if (!read.ok) return { ok: false, error: `error: error reading ${path}: ${read.error}` };
    const problem = add(key || path.slice(path.lastIndexOf("/") + 1), read.text);
    if (problem) return { ok: false, error: problem };
  }
  for (const path of envFiles) {
    const read = readLocalFile(k, path);
    if (!read.ok) return { ok: false, error: `error: error reading ${path}: ${read.error}` };
    // godotenv-like lines: KEY=value; blank lines and # comments skipped, leading spaces dropped.
    for (const raw of read.text.split("\n")) {
      const line = raw.replace(/^\s+/, "").replace(/\r$/, "");
      if (line === "" || line.startsWith("#")) continue;
      const at = line.indexOf("=");
      const key = at >= 0 ? line.slice(0, at) : line;
      if (at < 0) continue;
      const errs = isConfigMapKey(key);
      if (errs.length > 0) return { ok: false, error: `error: ${goQuote(key)} is not a valid key name: ${errs.join(";")}` };
      data[key] = line.slice(at + 1);
    }
  }
  for (const literal of flags.list("from-literal")) {
    const eq = literal.indexOf("=");
    if (eq < 0) return { ok: false, error: `error: invalid literal source ${literal}, expected key=value` };
    const key = literal.slice(0, eq);
    const errs = isConfigMapKey(key);
    if (errs.length > 0) return { ok: false, error: keyError(key, errs) };
    if (Object.hasOwn(data, key)) return { ok: false, error: duplicate(key) };
    data[key] = literal.slice(eq + 1);
  }
  return { ok: true, data };
}

function submit(k: Kubectl, flags: Flags, obj: SubmittedObject): number {
  const dryRun = dryRunOf(k, flags);
  if (typeof dryRun === "number") return dryRun;
  // create_configmap.go wraps with "failed to create configmap: %v"; create_secret*.go with "failed to create secret %v".
  return createAndPrint(k, flags, obj, "created", dryRun, obj.kind === "ConfigMap" ? "failed to create configmap: " : "failed to create secret ");
}

/** What every create configmap/secret command ends its flags with (--append-hash is not simulated). */
const commonFlags = [dryRunFlag, saveConfigFlag, outputFlag, templateFlag];

const sourceFlags = [
  { name: "from-file", type: "stringSlice" as const, usage: "A file (or key=file) whose content becomes one key, or a directory whose files each become one." },
  { name: "from-literal", type: "stringArray" as const, usage: "A key and its value, as key=value; give it once per key." },
  { name: "from-env-file", type: "stringSlice" as const, usage: "A file of KEY=value lines, one key each." },
];

const configMap: Command = {
  name: "configmap",
  aliases: ["cm"],
  short: "Create a config map from a local file, directory or literal value",
  usage: "create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
  examples: `  # Create a config map named my-config with key1=config1 and key2=config2
  kubectl create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2`,
  flags: [...sourceFlags, ...commonFlags],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const sources = literalSources(
      k,
      flags,
      (key, errs) => `error: ${goQuote(key)} is not a valid key name for a ConfigMap: ${errs.join(",")}`,
      (key) => `error: cannot add key ${goQuote(key)}, another key by that name already exists in Data for ConfigMap ${goQuote(name)}`,
    );
    if (!sources.ok) return fail(k, sources.error);
    const obj: SubmittedObject & { data?: Record<string, string> } = { apiVersion: "v1", kind: "ConfigMap", metadata: { name } };
    if (Object.keys(sources.data).length > 0) obj.data = sources.data;
    return submit(k, flags, obj);
  },
};

const secretKeyError = (key: string, errs: string[]) => `error: ${goQuote(key)} is not valid key name for a Secret ${errs.join(";")}`;

const generic: Command = {
  name: "generic",
  short: "Create a secret from a local file, directory, or literal value",
  usage: "create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
  examples: `  # Create a new secret named my-secret with key1=supersecret and key2=topsecret
  kubectl create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret`,
  flags: [...sourceFlags, { name: "type", type: "string", usage: "The type of secret to create (Opaque when not given)." }, ...commonFlags],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const sources = literalSources(k, flags, secretKeyError, (key) => `error: cannot add key ${key}, another key by that name already exists`);
    if (!sources.ok) return fail(k, sources.error);
    const obj: SubmittedObject & { data?: Record<string, string>; type?: string } = { apiVersion: "v1", kind: "Secret", metadata: { name } };
    const keys = Object.keys(sources.data);
    if (keys.length > 0) obj.data = Object.fromEntries(keys.sort().map((key) => [key, encodeBase64(sources.data[key])]));
    if (flags.string("type") !== "") obj.type = flags.string("type");
    return submit(k, flags, obj);
  },
};

const tls: Command = {
  name: "tls",
  short: "Create a TLS secret",
  usage: "create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]",
  examples: `  # Create a new TLS secret named tls-secret with the given key pair
  kubectl create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key`,
  flags: [
    { name: "cert", type: "string", usage: "Path to PEM encoded public key certificate." },
    { name: "key", type: "string", usage: "Path to private key associated with given certificate." },
    ...commonFlags,
  ],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const cert = flags.string("cert");
    if (cert === "" || flags.string("key") === "") return fail(k, "error: key and cert must be specified");
    const key = flags.string("key");
    const certText = readLocalFile(k, cert);
    if (!certText.ok) return fail(k, `error: Cannot read file ${cert}, open ${cert}: ${certText.error}`);
    const keyText = readLocalFile(k, key);
    if (!keyText.ok) return fail(k, `error: Cannot read file ${key}, open ${key}: ${keyText.error}`);
    const problem = keyPairError(certText.text, keyText.text);
    if (problem) return fail(k, `error: failed to load key pair ${problem}`);
    const obj = { apiVersion: "v1", kind: "Secret", metadata: { name }, data: { "tls.crt": encodeBase64(certText.text), "tls.key": encodeBase64(keyText.text) }, type: "kubernetes.io/tls" };
    return submit(k, flags, obj as SubmittedObject);
  },
};

const dockerRegistry: Command = {
  name: "docker-registry",
  short: "Create a secret for use with a Docker registry",
  usage: "create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]",
  examples: `  # If you do not already have a .dockercfg file, create a dockercfg secret directly
  kubectl create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL`,
  flags: [
    { name: "docker-server", type: "string", defaultValue: "https://index.docker.io/v1/", usage: "Server location for Docker registry." },
    { name: "docker-username", type: "string", usage: "Username for Docker registry authentication." },
    { name: "docker-password", type: "string", usage: "Password for Docker registry authentication." },
    { name: "docker-email", type: "string", usage: "Email for Docker registry." },
    { name: "from-file", type: "stringSlice", usage: "A .dockerconfigjson file to use as is." },
    ...commonFlags,
  ],
  run: (k, flags) => {
    const name = requireOneName(k, flags);
    if (typeof name === "number") return name;
    const files = flags.list("from-file");
    if (files.length > 0) {
      // The given .dockerconfigjson files as they are, each under its key.
      const data: Record<string, string> = {};
      for (const source of files) {
        const eq = source.indexOf("=");
        const path = eq >= 0 ? source.slice(eq + 1) : source;
        const read = readLocalFile(k, path);
        if (!read.ok) return fail(k, `error: error reading ${path}: ${read.error}`);
        data[eq >= 0 ? source.slice(0, eq) : path.slice(path.lastIndexOf("/") + 1)] = encodeBase64(read.text);
      }
      return submit(k, flags, { apiVersion: "v1", kind: "Secret", metadata: { name }, data, type: "kubernetes.io/dockerconfigjson" } as unknown as SubmittedObject);
    }
    const username = flags.string("docker-username");
    const password = flags.string("docker-password");
    const server = flags.string("docker-server");
    if (username === "" || password === "" || server === "") {
      return fail(k, "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
    }
    const entry: Record<string, string> = { username, password };
    if (flags.string("docker-email") !== "") entry.email = flags.string("docker-email");
    entry.auth = encodeBase64(`${username}:${password}`);
    const config = JSON.stringify({ auths: { [server]: entry } });
    const obj = { apiVersion: "v1", kind: "Secret", metadata: { name }, data: { ".dockerconfigjson": encodeBase64(config) }, type: "kubernetes.io/dockerconfigjson" };
    return submit(k, flags, obj as SubmittedObject);
  },
};

const secret: Command = {
  name: "secret",
  short: "Create a secret using a specified subcommand",
  usage: "create secret (docker-registry | generic | tls) [options]",
  flags: [],
  subcommands: [dockerRegistry, generic, tls],
};

export const dataCommands: readonly Command[] = [configMap, secret];
