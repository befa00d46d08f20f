// curl's side of a TLS handshake (OpenSSL 3 builds): the -v lines of the handshake, the peer
// verification against the CA file (the system bundle, or --cacert; -k skips it) and the host name
// check against the certificate's subjectAltName, else its CN (lib/vtls/openssl.c servercert and
// Curl_ossl_verifyhost). Texts follow curl 7.88's output for the same server, with 8.x's wording of
// the ALPN offer and cipher line. No simulated certificate is in the system bundle.

import { curlName, opensslDate } from "../../tls/x509-text.ts";
import { signedBy, type Certificate } from "../../tls/x509.ts";
import { certificateMatches, type TlsServer } from "../tls.ts";

export interface TlsClientOptions {
  /** -k: neither the peer nor the host name is verified. */
  insecure: boolean;
  /** --cacert: the file's path and its certificates; undefined: the system bundle. */
  caFile?: { path: string; certificates: Certificate[] };
  /** --http1.1: offer only http/1.1. */
  http1Only: boolean;
  host: string;
  now: number;
}

export type Handshake =
  | { ok: true; http2: boolean; lines: string }
  | { ok: false; code: number; message: string; lines: string };

export const SYSTEM_CA_FILE = "/etc/ssl/certs/ca-certificates.crt";
const CA_PATH = "/etc/ssl/certs";

/** What curl adds after the error line of a failed verification (src/tool_operate.c CURL_CA_CERT_ERRORMSG). */
export const CA_CERT_HELP =
  "More details here: https://curl.se/docs/sslcerts.html\n\n" +
  "curl failed to verify the legitimacy of the server and therefore could not\n" +
  "establish a secure connection to it. To learn more about this situation and\n" +
  "how to fix it, please visit the web page mentioned above.\n";

const sameCert = (a: Certificate, b: Certificate): boolean => a.signature.length === b.signature.length && a.signature.every((x, i) => x === b.signature[i]) && a.tbs.length === b.tbs.length && a.tbs.every((x, i) => x === b.tbs[i]);

/** X509_verify_cert's result for the chain: 0 (ok) or the error number and its text. */
function verifyChain(chain: Certificate[], trusted: Certificate[], now: number): { code: number; text: string; alert: string } | undefined {
  const leaf = chain[0];
  const selfSigned = signedBy(leaf, leaf);
  let anchor: Certificate | undefined;
  if (selfSigned) {
    if (!trusted.some((t) => sameCert(t, leaf))) return { code: 18, text: "self-signed certificate", alert: "unknown CA (560)" };
    anchor = leaf;
  } else {
    // The issuer from the trusted certificates, or an intermediate the server sent that one of them signed.
    anchor = trusted.find((t) => signedBy(leaf, t));
    if (!anchor) {
      const intermediate = chain.slice(1).find((c) => signedBy(leaf, c));
      if (intermediate && signedBy(intermediate, intermediate)) return { code: 19, text: "self-signed certificate in certificate chain", alert: "unknown CA (560)" };
      if (!intermediate || !trusted.some((t) => signedBy(intermediate, t))) return { code: 20, text: "unable to get local issuer certificate", alert: "unknown CA (560)" };
    }
  }
  if (now < leaf.notBefore) return { code: 9, text: "certificate is not yet valid", alert: "bad certificate (554)" };
  if (now > leaf.notAfter) return { code: 10, text: "certificate has expired", alert: "certificate expired (557)" };
  return undefined;
}

/** The handshake as curl prints it, from after "Connected to" up to the request. */
export function clientHandshake(server: TlsServer | undefined, o: TlsClientOptions): Handshake {
  let lines = `* ALPN: curl offers ${o.http1Only ? "http/1.1" : "h2,http/1.1"}\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n`;
  if (!o.insecure) lines += `*  CAfile: ${o.caFile?.path ?? SYSTEM_CA_FILE}\n*  CApath: ${CA_PATH}\n`;
  if (!server) {
    const message = "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number";
    return { ok: false, code: 35, message, lines: `${lines}* ${message}\n` };
  }
  if (server.rejected) {
    // nginx's ssl_reject_handshake: an unrecognized_name alert (112) instead of a Server hello.
    const message = "OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name";
    return { ok: false, code: 35, message, lines: `${lines}* TLSv1.3 (IN), TLS alert, unrecognized name (624):\n* ${message}\n` };
  }
  lines += "* TLSv1.3 (IN), TLS handshake, Server hello (2):\n* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):\n* TLSv1.3 (IN), TLS handshake, Certificate (11):\n";
  const leaf = server.chain[0];
  const verified = verifyChain(server.chain, o.caFile?.certificates ?? [], o.now);
  if (verified && !o.insecure) {
    const message = `SSL certificate problem: ${verified.text}`;
    return { ok: false, code: 60, message, lines: `${lines}* TLSv1.3 (OUT), TLS alert, ${verified.alert}:\n* ${message}\n` };
  }
  lines += "* TLSv1.3 (IN), TLS handshake, CERT verify (15):\n* TLSv1.3 (IN), TLS handshake, Finished (20):\n";
  lines += "* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):\n* TLSv1.3 (OUT), TLS handshake, Finished (20):\n";
  lines += "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS\n";
  const http2 = server.alpn === "h2" && !o.http1Only;
  lines += `* ALPN: server accepted ${http2 ? "h2" : "http/1.1"}\n`;
  lines += `* Server certificate:\n*  subject: ${curlName(leaf.subject)}\n*  start date: ${opensslDate(leaf.notBefore)}\n*  expire date: ${opensslDate(leaf.notAfter)}\n`;
  if (!o.insecure) {
    const match = certificateMatches(leaf, o.host);
    if (!match.ok) {
      const hasNames = leaf.altNames.length > 0;
      const cn = leaf.subject.find(([t]) => t === "CN")?.[1];
      const message = hasNames
        ? `SSL: no alternative certificate subject name matches target host name '${o.host}'`
        : cn !== undefined
          ? `SSL: certificate subject name '${cn}' does not match target host name '${o.host}'`
          : "SSL: unable to obtain common name from peer certificate";
      return { ok: false, code: 60, message, lines: `${lines}${hasNames ? `*  subjectAltName does not match ${o.host}\n` : ""}* ${message}\n` };
    }
    lines += match.by === "san" ? `*  subjectAltName: host "${o.host}" matched cert's "${match.name}"\n` : `*  common name: ${match.name} (matched)\n`;
  }
  lines += `*  issuer: ${curlName(leaf.issuer)}\n`;
  lines += verified ? `*  SSL certificate verify result: ${verified.text} (${verified.code}), continuing anyway.\n` : "*  SSL certificate verify ok.\n";
  return { ok: true, http2, lines };
}

/** The -v lines of an HTTP/2 request's stream (lib/http2.c), before curl's `>` lines. */
export function http2RequestLines(url: string, method: string, authority: string, path: string, headers: ReadonlyArray<readonly [string, string]>): string {
  let out = `* using HTTP/2\n* [HTTP/2] [1] OPENED stream for ${url}\n`;
  out += `* [HTTP/2] [1] [:method: ${method}]\n* [HTTP/2] [1] [:scheme: https]\n* [HTTP/2] [1] [:authority: ${authority}]\n* [HTTP/2] [1] [:path: ${path}]\n`;
  for (const [k, v] of headers) if (k.toLowerCase() !== "host") out += `* [HTTP/2] [1] [${k.toLowerCase()}: ${v}]\n`;
  return out;
}
