// The simulation's certificates: real DER in real PEM (the encodings below were read back by
// OpenSSL 3.0's `openssl x509 -text`, which printed what certificateText prints), issued by a key
// the simulation can check, and parsed back field for field.
import { describe, expect, it } from "vitest";
import { createRandom } from "../../../worker/sim/random.ts";
import { certificatesIn, generateKey, issue, parsePrivateKey, privateKeyPem, sameKey, signedBy, type CertificateRequest } from "../../../worker/sim/tls/x509.ts";
import { certificateText, curlName, opensslDate, opensslName } from "../../../worker/sim/tls/x509-text.ts";

const NOW = Date.UTC(2026, 11, 7, 12, 32, 29);
const DAY = 86400000;

describe("X.509 certificates", () => {
  const random = createRandom(7);
  const caKey = generateKey(random);
  const ca = issue({ serial: [0x50, 0x21, 0x7c], subject: [["CN", "my-nginx"], ["O", "my-nginx"]], notBefore: NOW, notAfter: NOW + 365 * DAY, key: caKey, ca: true });
  const leafKey = generateKey(random);
  const cases: Array<[string, CertificateRequest]> = [
    ["self-signed, openssl req -x509", { serial: [1], subject: [["CN", "my-nginx"], ["O", "my-nginx"]], notBefore: NOW, notAfter: NOW + 365 * DAY, key: caKey, ca: true }],
    ["with alternative names", { serial: [2], subject: [["CN", "foo.example"]], notBefore: NOW, notAfter: NOW + 30 * DAY, key: leafKey, altNames: [{ kind: "DNS", value: "foo.example" }, { kind: "DNS", value: "*.foo.example" }, { kind: "IP", value: "10.0.0.1" }] }],
    ["CA-signed, Go's encoding", { go: true, serial: [3], subject: [["O", "Acme Co"], ["CN", "Kubernetes Ingress Controller Fake Certificate"]], notBefore: NOW, notAfter: NOW + 365 * DAY, key: leafKey, altNames: [{ kind: "DNS", value: "ingress.local" }], serverAuth: true, issuer: { certificate: ca.certificate, key: caKey } }],
    ["valid past 2049 (GeneralizedTime)", { serial: [4], subject: [["CN", "long"]], notBefore: NOW, notAfter: Date.UTC(2051, 0, 1), key: leafKey }],
  ];

  it.each(cases)("%s: parses back to the fields it was issued with", (_name, req) => {
    const { certificate, pem } = issue(req);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    const [parsed] = certificatesIn(pem);
    expect(parsed).toEqual(certificate);
    expect(parsed.subject).toEqual(req.subject);
    expect(parsed.issuer).toEqual(req.issuer?.certificate.subject ?? req.subject);
    expect([parsed.notBefore, parsed.notAfter]).toEqual([req.notBefore, req.notAfter]);
    expect(parsed.altNames).toEqual(req.altNames ?? []);
    expect(signedBy(parsed, req.issuer?.certificate ?? parsed)).toBe(true);
  });

  it("tells which key issued a certificate", () => {
    const [leaf] = certificatesIn(issue(cases[2][1]).pem);
    expect(signedBy(leaf, ca.certificate)).toBe(true);
    const impostor = issue({ serial: [9], subject: ca.certificate.subject, notBefore: NOW, notAfter: NOW + DAY, key: generateKey(random), ca: true });
    expect(signedBy(leaf, impostor.certificate)).toBe(false);
    expect(signedBy(leaf, leaf)).toBe(false);
  });

  it("pairs a PKCS#8 private key with its certificate only", () => {
    const key = parsePrivateKey(privateKeyPem(caKey, random))!;
    expect(key.modulus).toEqual(caKey.modulus);
    expect(sameKey(ca.certificate, key)).toBe(true);
    expect(sameKey(ca.certificate, parsePrivateKey(privateKeyPem(leafKey, random))!)).toBe(false);
    expect(privateKeyPem(caKey, random)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("prints fields as openssl and curl do", () => {
    expect(opensslDate(NOW)).toBe("Dec  7 12:32:29 2026 GMT");
    expect(opensslName(ca.certificate.subject)).toBe("CN = my-nginx, O = my-nginx");
    expect(curlName(ca.certificate.subject)).toBe("CN=my-nginx; O=my-nginx");
    const text = certificateText(ca.certificate);
    expect(text).toContain("        Serial Number: 5251452 (0x50217c)\n");
    expect(text).toContain("            X509v3 Basic Constraints: critical\n                CA:TRUE\n");
    expect(text.split("\n").filter((l) => /^ {20}[0-9a-f]{2}(:|$)/.test(l))).toHaveLength(18);
    const go = certificateText(issue(cases[2][1]).certificate);
    expect(go).toContain("            X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment\n            X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n            X509v3 Basic Constraints: critical\n                CA:FALSE\n");
    expect(go).toContain("            X509v3 Subject Alternative Name: \n                DNS:ingress.local\n");
  });
});
