// Go's tls.X509KeyPair, as kubectl (create secret tls) and controllers such as NGF's secret
// resolver call it: PEM blocks of the right kind in each input first, then both parsed, then the
// key checked to be the certificate's. The answer is Go's error text, or undefined for a good pair.

import { certificatesIn, parsePrivateKey, sameKey } from "./x509.ts";

export function keyPairError(certPem: string, keyPem: string): string | undefined {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----/.test(certPem)) return "tls: failed to find any PEM data in certificate input";
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*-----END [A-Z ]*PRIVATE KEY-----/.test(keyPem)) return "tls: failed to find any PEM data in key input";
  const [certificate] = certificatesIn(certPem);
  if (!certificate) return "x509: malformed certificate";
  const privateKey = parsePrivateKey(keyPem);
  if (!privateKey) return "tls: failed to parse private key";
  if (!sameKey(certificate, privateKey)) return "tls: private key does not match public key";
  return undefined;
}
