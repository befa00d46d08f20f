// openssl (OpenSSL 3.0.13, Ubuntu 24.04's) on the workstation and the nodes: `req -x509` makes a
// self-signed certificate and a new key (the connect-applications-service tutorial's command),
// `x509` prints a certificate. Keys and signatures come from tls/x509.ts (real DER and PEM, not
// real RSA arithmetic). openssl asks for a pass phrase or the subject's fields on the terminal when
// -nodes or -subj is missing; the console has no terminal for a program to read, so it says so.

import { generateKey, isAttribute, issue, certificatesIn, privateKeyPem, type AltName, type DistinguishedName } from "../tls/x509.ts";
import { certificateText, opensslDate, opensslName, altNamesText } from "../tls/x509-text.ts";
import { errnoText, programFiles } from "./fs-context.ts";
import type { ProgramContext } from "./types.ts";

const VERSION = "OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)";
/** The thread id OpenSSL's error lines start with (stable within the simulation). */
const THREAD = "40B7A9E1D2770000";

function usage(ctx: ProgramContext, command: string, option: string): number {
  ctx.err(`${command}: Unknown option: ${option}\n${command}: Use -help for summary.\n`);
  return 1;
}

export function openssl(ctx: ProgramContext): number {
  const [, command, ...args] = ctx.argv;
  if (command === undefined) {
    ctx.err("OpenSSL> \n");
    return 0;
  }
  if (command === "version") {
    ctx.out(args.includes("-a") ? `${VERSION}\n` : "OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n");
    return 0;
  }
  if (command === "req") return req(ctx, args);
  if (command === "x509") return x509(ctx, args);
  ctx.err(`Invalid command '${command}'; type "help" for a list.\n`);
  return 1;
}

/** -subj "/CN=a/O=b" (X509_NAME parsing of openssl's apps: "/type=value" pairs, `\/` escapes a slash). */
function parseSubject(subj: string): DistinguishedName | string {
  if (!subj.startsWith("/")) return `name is expected to be in the format /type0=value0/type1=value1/type2=... where characters may be escaped by \\. This name is not in that format: '${subj}'`;
  const out: Array<[string, string]> = [];
  for (const part of subj.slice(1).split(/(?<!\\)\//)) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) return `Hit end of string before finding the '='`;
    const type = part.slice(0, eq);
    if (!isAttribute(type)) return `Subject Attribute ${type} has no known NID, skipped`;
    const value = part.slice(eq + 1).replace(/\\\//g, "/");
    if (value !== "") out.push([type, value]);
  }
  return out;
}

function parseAltNames(value: string): AltName[] | undefined {
  const out: AltName[] = [];
  for (const item of value.split(",").map((s) => s.trim())) {
    if (item.startsWith("DNS:")) out.push({ kind: "DNS", value: item.slice(4) });
    else if (item.startsWith("IP:") && /^\d+\.\d+\.\d+\.\d+$/.test(item.slice(3))) out.push({ kind: "IP", value: item.slice(3) });
    else return undefined;
  }
  return out;
}

/** The progress OpenSSL's RSA key generation prints: '.' per candidate, '+' per passed round, '*' per prime. */
function keygenProgress(ctx: ProgramContext): string {
  const run = () => {
    let s = "";
    const n = 2 + ctx.random.int(40);
    for (let i = 0; i < n; i++) s += ".".repeat(1 + ctx.random.int(6)) + "+";
    return s;
  };
  const line = () => `${run()}${"+".repeat(64)}*${run()}${"+".repeat(64)}*${run()}${"+".repeat(64)}\n`;
  return line() + line() + "-----\n";
}

function req(ctx: ProgramContext, args: string[]): number {
  const files = programFiles(ctx);
  let x509 = false;
  let nodes = false;
  let days = 30;
  let newkey: string | undefined;
  let keyout: string | undefined;
  let out: string | undefined;
  let subj: string | undefined;
  const addext: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--/, "-");
    const value = () => args[++i];
    if (a === "-x509") x509 = true;
    else if (a === "-nodes" || a === "-noenc") nodes = true;
    else if (a === "-days") {
      const v = value();
      if (v === undefined || !/^-?\d+$/.test(v)) {
        ctx.err(`req: Non-numeric value for option -days\nreq: Use -help for summary.\n`);
        return 1;
      }
      days = Number(v);
    } else if (a === "-newkey") newkey = value();
    else if (a === "-keyout") keyout = value();
    else if (a === "-out") out = value();
    else if (a === "-subj") subj = value();
    else if (a === "-addext") addext.push(value() ?? "");
    else if (a === "-sha256" || a === "-batch") continue;
    else return usage(ctx, "req", args[i]);
  }
  if (!x509 || !newkey) {
    ctx.err("req: the playground's openssl makes self-signed certificates with a new key: openssl req -x509 -newkey rsa:2048 ...\n");
    return 1;
  }
  const bits = /^rsa:(\d+)$/.exec(newkey);
  if (!bits) {
    ctx.err(`Unknown algorithm ${newkey.replace(/:.*$/, "")}\n`);
    return 1;
  }
  if (bits[1] !== "2048") {
    ctx.err(`req: the playground's openssl makes 2048-bit RSA keys only\n`);
    return 1;
  }
  if (!nodes || subj === undefined) {
    ctx.note?.("openssl would now ask on the terminal for " + (!nodes ? "a pass phrase for the key" : "the certificate's subject fields") + "; the console cannot answer a program's prompt, so give -nodes and -subj \"/CN=...\".");
    ctx.err(!nodes ? "Enter PEM pass phrase:\n" : "You are about to be asked to enter information that will be incorporated\ninto your certificate request.\n");
    return 1;
  }
  const subject = parseSubject(subj);
  if (typeof subject === "string") {
    ctx.err(`${subject}\nError making certificate request\n`);
    return 1;
  }
  let altNames: AltName[] = [];
  for (const ext of addext) {
    const m = /^subjectAltName\s*=\s*(.*)$/.exec(ext);
    const parsed = m ? parseAltNames(m[1]) : undefined;
    if (!parsed) {
      ctx.err(`Error adding extensions defined via -addext\n`);
      return 1;
    }
    altNames = parsed;
  }
  const progress = keygenProgress(ctx);
  const key = generateKey(ctx.random);
  const serial: number[] = [];
  for (let i = 0; i < 20; i++) serial.push(ctx.random.int(256));
  serial[0] &= 0x7f;
  const now = Math.floor(ctx.now / 1000) * 1000;
  const { pem } = issue({ serial, subject, notBefore: now, notAfter: now + days * 86400000, key, altNames, ca: true });
  const keyPem = privateKeyPem(key, ctx.random);
  ctx.err(progress);
  if (keyout !== undefined) {
    if (!files) return 1;
    const written = files.fs.write(files.resolve(keyout), keyPem);
    if (!written.ok) {
      ctx.err(`req: Can't open "${keyout}" for writing, ${errnoText(written.errno)}\n`);
      return 1;
    }
  } else ctx.out(keyPem);
  if (out !== undefined) {
    if (!files) return 1;
    const written = files.fs.write(files.resolve(out), pem);
    if (!written.ok) {
      ctx.err(`req: Can't open "${out}" for writing, ${errnoText(written.errno)}\n`);
      return 1;
    }
  } else ctx.out(pem);
  return 0;
}

function x509(ctx: ProgramContext, args: string[]): number {
  let input: string | undefined;
  let noout = false;
  const prints: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--/, "-");
    if (a === "-in") input = args[++i];
    else if (a === "-noout") noout = true;
    else if (["-text", "-subject", "-issuer", "-dates", "-startdate", "-enddate", "-serial"].includes(a)) prints.push(a);
    else if (a === "-ext") prints.push(`-ext:${args[++i] ?? ""}`);
    else return usage(ctx, "x509", args[i]);
  }
  let source = ctx.stdin ?? "";
  const name = input ?? "<stdin>";
  if (input !== undefined) {
    const files = programFiles(ctx);
    const read = files?.fs.read(files.resolve(input));
    if (!read?.ok) {
      ctx.err(
        `Could not open file or uri for loading certificate from ${input}\n` +
          `${THREAD}:error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:../crypto/store/store_register.c:237:scheme=file\n` +
          `${THREAD}:error:80000002:system library:file_open:No such file or directory:../providers/implementations/storemgmt/file_store.c:267:calling stat(${input})\n` +
          "Unable to load certificate\n",
      );
      return 1;
    }
    source = read.value;
  }
  const [cert] = certificatesIn(source);
  if (!cert) {
    ctx.err(`Could not read certificate from ${name}\nUnable to load certificate\n`);
    return 1;
  }
  for (const p of prints) {
    if (p === "-text") ctx.out(certificateText(cert));
    else if (p === "-subject") ctx.out(`subject=${opensslName(cert.subject)}\n`);
    else if (p === "-issuer") ctx.out(`issuer=${opensslName(cert.issuer)}\n`);
    else if (p === "-dates") ctx.out(`notBefore=${opensslDate(cert.notBefore)}\nnotAfter=${opensslDate(cert.notAfter)}\n`);
    else if (p === "-startdate") ctx.out(`notBefore=${opensslDate(cert.notBefore)}\n`);
    else if (p === "-enddate") ctx.out(`notAfter=${opensslDate(cert.notAfter)}\n`);
    else if (p === "-serial") ctx.out(`serial=${cert.serial.map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase()}\n`);
    else if (p === "-ext:subjectAltName" && cert.altNames.length) ctx.out(`X509v3 Subject Alternative Name: \n    ${altNamesText(cert.altNames)}\n`);
  }
  if (!noout) {
    const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/.exec(source);
    if (m) ctx.out(m[0].endsWith("\n") ? m[0] : `${m[0]}\n`);
  }
  return 0;
}
