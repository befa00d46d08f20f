// How OpenSSL 3.0 and curl print a certificate's fields (openssl x509 -text, -subject, -dates;
// curl -v's "Server certificate:" block). Layout checked against OpenSSL 3.0's x509 output.

import type { AltName, Certificate, DistinguishedName } from "./x509.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ASN1_TIME_print: "Dec  7 12:32:29 2026 GMT". */
export function opensslDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** openssl's default name format (oneline with spaces): "CN = my-nginx, O = my-nginx". */
export const opensslName = (name: DistinguishedName): string => name.map(([t, v]) => `${t} = ${v}`).join(", ");

/** curl's (X509_NAME_print_ex with XN_FLAG_ONELINE without spaces, then "," -> ";"): "CN=my-nginx; O=my-nginx". */
export const curlName = (name: DistinguishedName): string => name.map(([t, v]) => `${t}=${v}`).join("; ");

const hex = (bytes: readonly number[]): string[] => bytes.map((b) => b.toString(16).padStart(2, "0"));

export const altNamesText = (names: readonly AltName[]): string => names.map((n) => (n.kind === "DNS" ? `DNS:${n.value}` : `IP Address:${n.value}`)).join(", ");

function hexLines(bytes: readonly number[], perLine: number, indent: string): string {
  const parts = hex(bytes);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += perLine) lines.push(indent + parts.slice(i, i + perLine).join(":") + (i + perLine < parts.length ? ":" : ""));
  return lines.join("\n") + "\n";
}

function serialText(serial: readonly number[]): string {
  // Serials that fit a long print as decimal and hex on one line, others as colon hex below.
  if (serial.length <= 8 && !(serial.length === 8 && serial[0] & 0x80)) {
    const value = serial.reduce((n, b) => n * 256n + BigInt(b), 0n);
    return `        Serial Number: ${value} (0x${value.toString(16)})\n`;
  }
  return `        Serial Number:\n            ${hex(serial).join(":")}\n`;
}

function keyUsageText(bits: number): string {
  const names: string[] = [];
  if (bits & 0x80) names.push("Digital Signature");
  if (bits & 0x20) names.push("Key Encipherment");
  if (bits & 0x04) names.push("Certificate Sign");
  return names.join(", ");
}

/** `openssl x509 -noout -text`. */
export function certificateText(cert: Certificate): string {
  const modulus = cert.modulus[0] & 0x80 ? [0, ...cert.modulus] : cert.modulus;
  const signatureAlgorithm = cert.ecdsaSigned ? "ecdsa-with-SHA256" : "sha256WithRSAEncryption";
  let out = "Certificate:\n    Data:\n        Version: 3 (0x2)\n";
  out += serialText(cert.serial);
  out += `        Signature Algorithm: ${signatureAlgorithm}\n`;
  out += `        Issuer: ${opensslName(cert.issuer)}\n        Validity\n`;
  out += `            Not Before: ${opensslDate(cert.notBefore)}\n            Not After : ${opensslDate(cert.notAfter)}\n`;
  out += `        Subject: ${opensslName(cert.subject)}\n        Subject Public Key Info:\n`;
  if (cert.curve) {
    out += "            Public Key Algorithm: id-ecPublicKey\n                Public-Key: (256 bit)\n                pub:\n";
    out += hexLines(cert.modulus, 15, "                    ");
    out += "                ASN1 OID: prime256v1\n                NIST CURVE: P-256\n";
  } else {
    out += "            Public Key Algorithm: rsaEncryption\n";
    out += `                Public-Key: (${cert.modulus.length * 8} bit)\n                Modulus:\n`;
    out += hexLines(modulus, 15, "                    ");
    out += "                Exponent: 65537 (0x10001)\n";
  }
  const extensions = cert.extensions.map((name) => {
    switch (name) {
      case "subjectKeyId":
        return `            X509v3 Subject Key Identifier: \n                ${hex(cert.subjectKeyId ?? []).join(":").toUpperCase()}\n`;
      case "authorityKeyId":
        return `            X509v3 Authority Key Identifier: \n                ${hex(cert.authorityKeyId ?? []).join(":").toUpperCase()}\n`;
      case "basicConstraints":
        return `            X509v3 Basic Constraints: critical\n                CA:${cert.ca ? "TRUE" : "FALSE"}\n`;
      case "keyUsage":
        return `            X509v3 Key Usage: critical\n                ${keyUsageText(cert.keyUsage ?? 0)}\n`;
      case "extKeyUsage":
        return "            X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n";
      case "altName":
        return `            X509v3 Subject Alternative Name: \n                ${altNamesText(cert.altNames)}\n`;
    }
  });
  if (extensions.length) out += "        X509v3 extensions:\n" + extensions.join("");
  out += `    Signature Algorithm: ${signatureAlgorithm}\n    Signature Value:\n`;
  out += hexLines(cert.signature, 18, "        ");
  return out;
}
