// X.509 v3 certificates with RSA or ECDSA P-256 keys as the simulation makes and reads them
// (RFC 5280, RFC 5480 for EC keys, RFC 5915 for EC private keys): real DER in real PEM, so
// `openssl x509 -text`, `kubectl create secret tls` and curl read the same fields a real tool would.
// What is not real is RSA's arithmetic: an RSA key is random bytes of its shape, and its signature
// is SHA-1 over the signed part and the issuer's modulus, stretched to the modulus's length, so the
// simulation can still tell which key issued a certificate (curl's verification) without the
// seconds of big-number work RSA key generation takes. P-256 keys and ECDSA signatures are real
// (p256.ts, a few milliseconds): openssl and Go accept them.

import { decodeBase64Bytes, encodeBase64Bytes, utf8Text } from "../base64.ts";
import { sha1Bytes } from "../net/sha1.ts";
import { sha256Bytes } from "../net/sha256.ts";
import { ecdsaSign, ecdsaVerify, publicPoint, scalar } from "./p256.ts";
import type { Random } from "../random.ts";
import { bits, boolean, childrenOf, type Decoded, decodeAll, encode, explicit, implicit, integer, nullValue, octets, oid, oidText, sequence, set, TAG, text, unsigned, type Der } from "./der.ts";

/** A distinguished name in its order: [short name, value], e.g. [["CN", "my-nginx"], ["O", "my-nginx"]]. */
export type DistinguishedName = ReadonlyArray<readonly [string, string]>;

export type AltName = { kind: "DNS"; value: string } | { kind: "IP"; value: string };

export interface Certificate {
  /** The serial number's magnitude, big-endian. */
  serial: number[];
  issuer: DistinguishedName;
  subject: DistinguishedName;
  /** Validity, ms since the epoch (whole seconds). */
  notBefore: number;
  notAfter: number;
  /** The RSA modulus of the certified key, or its EC point (0x04 || X || Y) when `curve` is set. */
  modulus: number[];
  curve?: "prime256v1";
  /** Signed with ecdsa-with-SHA256 (an EC issuer key) rather than sha256WithRSAEncryption. */
  ecdsaSigned?: boolean;
  altNames: AltName[];
  /** basicConstraints CA:TRUE. */
  ca: boolean;
  subjectKeyId?: number[];
  authorityKeyId?: number[];
  /** extendedKeyUsage serverAuth (Go's certificates set it; openssl req's do not). */
  serverAuth: boolean;
  /** keyUsage's first byte (bit 7 digitalSignature, 5 keyEncipherment, 2 keyCertSign), when present. */
  keyUsage?: number;
  /** The extensions present, in the certificate's order (openssl prints them so). */
  extensions: ExtensionName[];
  signature: number[];
  /** The signed part, as encoded (what the signature covers). */
  tbs: number[];
}

export interface PrivateKey {
  /** The RSA modulus, or the EC public point (0x04 || X || Y) when `curve` is set. */
  modulus: number[];
  curve?: "prime256v1";
  /** The EC private scalar (32 bytes). */
  secret?: number[];
}

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const PRIME256V1 = "1.2.840.10045.3.1.7";
const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
export type ExtensionName = keyof typeof EXT;
const EXT = { subjectKeyId: "2.5.29.14", keyUsage: "2.5.29.15", altName: "2.5.29.17", basicConstraints: "2.5.29.19", authorityKeyId: "2.5.29.35", extKeyUsage: "2.5.29.37" };
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/** Attribute types by openssl's short names (crypto/objects/objects.txt). */
const ATTRIBUTES: Record<string, string> = {
  CN: "2.5.4.3",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  emailAddress: "1.2.840.113549.1.9.1",
};
const ATTRIBUTE_NAMES = new Map(Object.entries(ATTRIBUTES).map(([k, v]) => [v, k]));

export const isAttribute = (name: string): boolean => Object.prototype.hasOwnProperty.call(ATTRIBUTES, name);

function randomBytes(random: Random, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(random.int(256));
  return out;
}

/** A 2048-bit key: the modulus has its top bit set and is odd, as a product of two large primes is. */
export function generateKey(random: Random): PrivateKey {
  const modulus = randomBytes(random, 256);
  modulus[0] |= 0x80;
  modulus[255] |= 1;
  return { modulus };
}

/** An ECDSA P-256 key (Go's ecdsa.GenerateKey(elliptic.P256(), ...)): a 32-byte scalar and its uncompressed point. */
export function generateEcKey(random: Random): PrivateKey {
  const secret = scalar(randomBytes(random, 32));
  return { curve: "prime256v1", secret, modulus: publicPoint(secret) };
}

function nameDer(name: DistinguishedName, printable: boolean): Der {
  return sequence(
    ...name.map(([type, value]) => {
      // openssl stores names as UTF8String (string_mask utf8only); Go as PrintableString when it can.
      const tag = type === "C" || (printable && /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) ? TAG.PRINTABLE_STRING : type === "emailAddress" ? TAG.IA5_STRING : TAG.UTF8_STRING;
      return set(sequence(oid(ATTRIBUTES[type]), text(tag, value)));
    }),
  );
}

function timeDer(ms: number): Der {
  const iso = new Date(ms).toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return Number(digits.slice(0, 4)) < 2050 ? text(TAG.UTC_TIME, `${digits.slice(2)}Z`) : text(TAG.GENERALIZED_TIME, `${digits}Z`);
}

const publicKeyDer = (key: PrivateKey): Der =>
  key.curve ? sequence(sequence(oid(EC_PUBLIC_KEY), oid(PRIME256V1)), bits(key.modulus)) : sequence(sequence(oid(RSA_ENCRYPTION), nullValue()), bits(encode(sequence(unsigned(key.modulus), integer(65537)))));

/** The subjectPublicKey BIT STRING's bytes: the PKCS#1 RSAPublicKey, or the EC point itself. */
const publicKeyBytes = (key: Pick<PrivateKey, "modulus" | "curve">): number[] => (key.curve ? [...key.modulus] : encode(sequence(unsigned(key.modulus), integer(65537))));

/** RFC 5280 §4.2.1.2 method 1 (openssl's and Go's): SHA-1 of the subjectPublicKey bits. */
export const keyId = (modulus: readonly number[]): number[] => sha1Bytes(encode(sequence(unsigned(modulus), integer(65537))));

/** The key identifier Go ≥ 1.25 computes when a CA template has none: RFC 7093 method 1, SHA-256 truncated to 160 bits. */
const sha256KeyId = (key: PrivateKey): number[] => [...sha256Bytes(publicKeyBytes(key))].slice(0, 20);

/** ECDSA with SHA-256 as an Ecdsa-Sig-Value (SEQUENCE { r, s }); the nonce derives from the key and the digest, as in RFC 6979. */
function ecdsaSignature(tbs: readonly number[], secret: readonly number[]): number[] {
  const digest = [...sha256Bytes(tbs)];
  const { r, s } = ecdsaSign(digest, secret, [...sha256Bytes([...secret, ...digest])]);
  return encode(sequence(unsigned(r), unsigned(s)));
}

function ecdsaSignatureValid(tbs: readonly number[], signature: readonly number[], point: readonly number[]): boolean {
  const [value] = decodeAll(signature) ?? [];
  const [r, s] = (value && childrenOf(value)) ?? [];
  return r?.tag === TAG.INTEGER && s?.tag === TAG.INTEGER && ecdsaVerify([...sha256Bytes(tbs)], point, r.contents, s.contents);
}

function sign(tbs: readonly number[], issuerModulus: readonly number[]): number[] {
  const out: number[] = [];
  for (let round = 0; out.length < issuerModulus.length; round++) out.push(...sha1Bytes([round, ...tbs, ...issuerModulus]));
  return out.slice(0, issuerModulus.length);
}

export interface CertificateRequest {
  serial: number[];
  subject: DistinguishedName;
  notBefore: number;
  notAfter: number;
  key: PrivateKey;
  altNames?: AltName[];
  ca?: boolean;
  serverAuth?: boolean;
  /** Omitted: self-signed. */
  issuer?: { certificate: Certificate; key: PrivateKey };
  /** Go's encoding (PrintableString names, key usage, no key identifiers on leaves) instead of openssl's. */
  go?: boolean;
  /** keyUsage's bits when the template sets them (Go only): e.g. 0x04 certSign alone. */
  keyUsage?: number;
  /** Go ≥ 1.25's SHA-256 subject key identifier for CAs (Go only). */
  sha256KeyId?: boolean;
}

/** A certificate, signed by its issuer's key (or its own). */
export function issue(req: CertificateRequest): { certificate: Certificate; pem: string } {
  const issuer = req.issuer?.certificate.subject ?? req.subject;
  const issuerKey = req.issuer?.key ?? req.key;
  const ca = req.ca ?? false;
  const serverAuth = req.serverAuth ?? false;
  const subjectKeyId = !req.go || ca ? (req.sha256KeyId ? sha256KeyId(req.key) : req.key.curve ? sha1Bytes(publicKeyBytes(req.key)) : keyId(req.key.modulus)) : undefined;
  const authorityKeyId = req.issuer ? req.issuer.certificate.subjectKeyId : req.go ? undefined : subjectKeyId;
  const extensions: Der[] = [];
  const names: ExtensionName[] = [];
  const ext = (id: string, critical: boolean, value: Der) => {
    names.push((Object.keys(EXT) as ExtensionName[]).find((k) => EXT[k] === id)!);
    extensions.push(sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(encode(value))));
  };
  const keyUsage = req.go ? (req.keyUsage ?? (ca ? 0xa4 : 0xa0)) : undefined;
  // The BIT STRING drops trailing zero bits: its unused-bit count is that of the lowest bit set.
  if (keyUsage !== undefined) ext(EXT.keyUsage, true, { tag: TAG.BIT_STRING, bytes: [Math.log2(keyUsage & -keyUsage), keyUsage] });
  if (req.go && serverAuth) ext(EXT.extKeyUsage, false, sequence(oid(SERVER_AUTH)));
  if (subjectKeyId && !req.go) ext(EXT.subjectKeyId, false, octets(subjectKeyId));
  if (authorityKeyId && !req.go) ext(EXT.authorityKeyId, false, sequence(implicit(0, authorityKeyId)));
  if (ca || req.go) ext(EXT.basicConstraints, true, ca ? sequence(boolean(true)) : sequence());
  if (req.go && subjectKeyId) ext(EXT.subjectKeyId, false, octets(subjectKeyId));
  if (req.go && authorityKeyId) ext(EXT.authorityKeyId, false, sequence(implicit(0, authorityKeyId)));
  const altNames = req.altNames ?? [];
  if (altNames.length) ext(EXT.altName, false, sequence(...altNames.map((n) => (n.kind === "DNS" ? implicit(2, [...n.value].map((c) => c.charCodeAt(0))) : implicit(7, n.value.split(".").map(Number))))));
  const algorithm = issuerKey.curve ? sequence(oid(ECDSA_WITH_SHA256)) : sequence(oid(SHA256_WITH_RSA), nullValue());
  const tbs = encode(
    sequence(
      explicit(0, integer(2)),
      unsigned(req.serial),
      algorithm,
      nameDer(issuer, req.go ?? false),
      sequence(timeDer(req.notBefore), timeDer(req.notAfter)),
      nameDer(req.subject, req.go ?? false),
      publicKeyDer(req.key),
      ...(extensions.length ? [explicit(3, sequence(...extensions))] : []),
    ),
  );
  const signature = issuerKey.curve ? ecdsaSignature(tbs, issuerKey.secret ?? []) : sign(tbs, issuerKey.modulus);
  const der = encode({ tag: TAG.SEQUENCE, bytes: [...tbs, ...encode(algorithm), ...encode(bits(signature))] });
  const certificate: Certificate = { serial: trimSign([...req.serial]), issuer, subject: req.subject, notBefore: req.notBefore, notAfter: req.notAfter, modulus: req.key.modulus, altNames, ca, subjectKeyId, authorityKeyId, serverAuth, keyUsage, extensions: names, signature, tbs };
  if (req.key.curve) certificate.curve = req.key.curve;
  if (issuerKey.curve) certificate.ecdsaSigned = true;
  return { certificate, pem: pemBlock("CERTIFICATE", der) };
}

const trimSign = (bytes: number[]): number[] => (bytes.length > 1 && bytes[0] === 0 ? bytes.slice(1) : bytes);

/** PKCS#8 PrivateKeyInfo around an RSAPrivateKey, as openssl 3 writes a new key ("BEGIN PRIVATE KEY"). */
export function privateKeyPem(key: PrivateKey, random: Random): string {
  const part = (n: number) => {
    const b = randomBytes(random, n);
    b[0] |= 0x80;
    return unsigned(b);
  };
  const rsa = sequence(integer(0), unsigned(key.modulus), integer(65537), part(256), part(128), part(128), part(128), part(128), part(128));
  return pemBlock("PRIVATE KEY", encode(sequence(integer(0), sequence(oid(RSA_ENCRYPTION), nullValue()), octets(encode(rsa)))));
}

/** RFC 5915 ECPrivateKey, as Go's x509.MarshalECPrivateKey writes it ("BEGIN EC PRIVATE KEY"). */
export function ecPrivateKeyPem(key: PrivateKey): string {
  return pemBlock("EC PRIVATE KEY", encode(sequence(integer(1), octets(key.secret ?? []), explicit(0, oid(PRIME256V1)), explicit(1, bits(key.modulus)))));
}

export function pemBlock(type: string, der: readonly number[]): string {
  const body = encodeBase64Bytes(der).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
}

/** The PEM blocks of a text, in order: type and DER bytes (undefined bytes when the base64 is bad). */
export function pemBlocks(input: string): Array<{ type: string; der: number[] | undefined }> {
  const out: Array<{ type: string; der: number[] | undefined }> = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    const decoded = decodeBase64Bytes(m[2].replace(/\s+/g, ""));
    out.push({ type: m[1], der: decoded.ok ? decoded.bytes : undefined });
  }
  return out;
}

function readName(node: Decoded): DistinguishedName | undefined {
  const out: Array<[string, string]> = [];
  for (const rdn of childrenOf(node) ?? []) {
    for (const atv of childrenOf(rdn) ?? []) {
      const [type, value] = childrenOf(atv) ?? [];
      if (!type || !value) return undefined;
      const id = oidText(type.contents);
      out.push([ATTRIBUTE_NAMES.get(id) ?? id, utf8Text(value.contents)]);
    }
  }
  return out;
}

function readTime(node: Decoded): number | undefined {
  const s = String.fromCharCode(...node.contents);
  const m = node.tag === TAG.UTC_TIME ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (!m) return undefined;
  const year = node.tag === TAG.UTC_TIME ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** A certificate from its DER bytes; undefined when they are not one (openssl: "unable to load certificate"). */
export function parseCertificate(der: readonly number[]): Certificate | undefined {
  const [cert] = decodeAll(der) ?? [];
  const [tbsNode, signatureAlgorithmNode, signatureNode] = (cert && childrenOf(cert)) ?? [];
  if (!tbsNode || !signatureNode) return undefined;
  const fields = childrenOf(tbsNode);
  if (!fields) return undefined;
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serialNode = fields[i++];
  i++; // signature algorithm
  const issuerNode = fields[i++];
  const validity = fields[i] && childrenOf(fields[i++]);
  const subjectNode = fields[i++];
  const spki = fields[i] && childrenOf(fields[i++]);
  if (!serialNode || !issuerNode || !validity || validity.length !== 2 || !subjectNode || !spki || spki.length !== 2) return undefined;
  const issuer = readName(issuerNode);
  const subject = readName(subjectNode);
  const notBefore = readTime(validity[0]);
  const notAfter = readTime(validity[1]);
  const algorithmId = childrenOf(spki[0])?.[0];
  const ec = algorithmId !== undefined && oidText(algorithmId.contents) === EC_PUBLIC_KEY;
  const [rsa] = ec ? [] : (decodeAll(spki[1].contents.slice(1)) ?? []);
  const modulus = ec ? { contents: spki[1].contents.slice(1) } : ((rsa && childrenOf(rsa)) ?? [])[0];
  if (!issuer || !subject || notBefore === undefined || notAfter === undefined || !modulus) return undefined;
  const certificate: Certificate = {
    serial: trimSign(serialNode.contents),
    issuer,
    subject,
    notBefore,
    notAfter,
    modulus: ec ? modulus.contents : trimSign(modulus.contents),
    altNames: [],
    ca: false,
    serverAuth: false,
    extensions: [],
    signature: signatureNode.contents.slice(1),
    tbs: tbsNode.raw,
  };
  if (ec) certificate.curve = "prime256v1";
  const signatureAlgorithm = signatureAlgorithmNode && childrenOf(signatureAlgorithmNode)?.[0];
  if (signatureAlgorithm && oidText(signatureAlgorithm.contents) === ECDSA_WITH_SHA256) certificate.ecdsaSigned = true;
  const extensions = fields[i]?.tag === 0xa3 ? childrenOf(childrenOf(fields[i])?.[0] ?? fields[i]) : undefined;
  for (const extension of extensions ?? []) {
    const parts = childrenOf(extension) ?? [];
    const id = parts[0] ? oidText(parts[0].contents) : "";
    const [value] = decodeAll(parts[parts.length - 1]?.contents ?? []) ?? [];
    const known = (Object.keys(EXT) as ExtensionName[]).find((k) => EXT[k] === id);
    if (!value || !known) continue;
    certificate.extensions.push(known);
    if (id === EXT.keyUsage) certificate.keyUsage = value.contents[1] ?? 0;
    else if (id === EXT.subjectKeyId) certificate.subjectKeyId = value.contents;
    else if (id === EXT.authorityKeyId) certificate.authorityKeyId = childrenOf(value)?.find((c) => c.tag === 0x80)?.contents;
    else if (id === EXT.basicConstraints) certificate.ca = childrenOf(value)?.[0]?.tag === TAG.BOOLEAN && childrenOf(value)?.[0]?.contents[0] !== 0;
    else if (id === EXT.extKeyUsage) certificate.serverAuth = (childrenOf(value) ?? []).some((c) => oidText(c.contents) === SERVER_AUTH);
    else if (id === EXT.altName) {
      for (const name of childrenOf(value) ?? []) {
        if (name.tag === 0x82) certificate.altNames.push({ kind: "DNS", value: String.fromCharCode(...name.contents) });
        else if (name.tag === 0x87 && name.contents.length === 4) certificate.altNames.push({ kind: "IP", value: name.contents.join(".") });
      }
    }
  }
  return certificate;
}

/** The certificates of a PEM text (a CA bundle may hold several). */
export function certificatesIn(input: string): Certificate[] {
  return pemBlocks(input)
    .filter((b) => b.type === "CERTIFICATE" && b.der)
    .map((b) => parseCertificate(b.der!))
    .filter((c): c is Certificate => c !== undefined);
}

/** The key of a PEM private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). */
export function parsePrivateKey(input: string): PrivateKey | undefined {
  for (const block of pemBlocks(input)) {
    if (!block.der) continue;
    let [node] = decodeAll(block.der) ?? [];
    if (block.type === "EC PRIVATE KEY") {
      const parts = (node && childrenOf(node)) ?? [];
      const secret = parts[1]?.tag === TAG.OCTET_STRING ? parts[1].contents : undefined;
      const publicKey = parts.find((p) => p.tag === 0xa1);
      const point = publicKey && childrenOf(publicKey)?.[0];
      if (secret && point?.tag === TAG.BIT_STRING) return { curve: "prime256v1", secret, modulus: point.contents.slice(1) };
      continue;
    }
    if (block.type === "PRIVATE KEY") {
      const octetString = node && childrenOf(node)?.[2];
      [node] = (octetString && decodeAll(octetString.contents)) ?? [];
    } else if (block.type !== "RSA PRIVATE KEY") continue;
    const modulus = node && childrenOf(node)?.[1];
    if (modulus?.tag === TAG.INTEGER) return { modulus: trimSign(modulus.contents) };
  }
  return undefined;
}

const sameBytes = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean => a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

export const sameName = (a: DistinguishedName, b: DistinguishedName): boolean => a.length === b.length && a.every(([t, v], i) => t === b[i][0] && v === b[i][1]);

/** Whether `issuer`'s key signed `cert` (the signature recomputed from the issuer's modulus). */
export function signedBy(cert: Certificate, issuer: Certificate): boolean {
  if (!sameName(cert.issuer, issuer.subject)) return false;
  if (issuer.curve) return cert.ecdsaSigned === true && ecdsaSignatureValid(cert.tbs, cert.signature, issuer.modulus);
  return !cert.ecdsaSigned && sameBytes(cert.signature, sign(cert.tbs, issuer.modulus));
}

export const sameKey = (cert: Certificate, key: PrivateKey): boolean => sameBytes(cert.modulus, key.modulus);
