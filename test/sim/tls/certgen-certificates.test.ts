// ECDSA P-256 certificates as kube-webhook-certgen makes them: real keys and signatures (the
// fixtures below are this code's output for seed 3, which `openssl verify -CAfile` accepted and
// `openssl x509 -text` printed as CA_TEXT), parsed back and checked by the simulation's verifier.
import { describe, expect, it } from "vitest";
import { generateCerts } from "../../../worker/sim/cluster/webhook-certgen.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { ecdsaSign, ecdsaVerify, publicPoint, scalar } from "../../../worker/sim/tls/p256.ts";
import { certificatesIn, parsePrivateKey, sameKey, signedBy } from "../../../worker/sim/tls/x509.ts";
import { certificateText } from "../../../worker/sim/tls/x509-text.ts";

const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBdjCCARygAwIBAgIRALkAAnrcmq7JlZQSX4fWaXYwCgYIKoZIzj0EAwIwDzEN
MAsGA1UEChMEbmlsMTAgFw0yNTEyMzEyMzU1MDBaGA8yMTI1MTIwNzIzNTUwMFow
DzENMAsGA1UEChMEbmlsMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNnOkjL2
QlMFquezPGCxbqb1KtJg5ml3caGdq52Tt1IoCSOOgf1lVC9iTY6HxfkLkdV0EczE
Aao4Dujb3gsBWeKjVzBVMA4GA1UdDwEB/wQEAwICBDATBgNVHSUEDDAKBggrBgEF
BQcDATAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBQPfw+YVUpQV4nbgxmj6Zbl
WoevoTAKBggqhkjOPQQDAgNIADBFAiAHf5DOdjdT2T3HEU1FJPmQJN8VuEW5Ck2q
KtITbWIhngIhAMehffGNs5bgULQ+ShRbPR7DGGWDHevTfPY47la9JViN
-----END CERTIFICATE-----
`;

// `openssl x509 -noout -text` (OpenSSL 3.0.19) of CA_PEM.
const CA_TEXT = `Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            b9:00:02:7a:dc:9a:ae:c9:95:94:12:5f:87:d6:69:76
        Signature Algorithm: ecdsa-with-SHA256
        Issuer: O = nil1
        Validity
            Not Before: Dec 31 23:55:00 2025 GMT
            Not After : Dec  7 23:55:00 2125 GMT
        Subject: O = nil1
        Subject Public Key Info:
            Public Key Algorithm: id-ecPublicKey
                Public-Key: (256 bit)
                pub:
                    04:d9:ce:92:32:f6:42:53:05:aa:e7:b3:3c:60:b1:
                    6e:a6:f5:2a:d2:60:e6:69:77:71:a1:9d:ab:9d:93:
                    b7:52:28:09:23:8e:81:fd:65:54:2f:62:4d:8e:87:
                    c5:f9:0b:91:d5:74:11:cc:c4:01:aa:38:0e:e8:db:
                    de:0b:01:59:e2
                ASN1 OID: prime256v1
                NIST CURVE: P-256
        X509v3 extensions:
            X509v3 Key Usage: critical
                Certificate Sign
            X509v3 Extended Key Usage: 
                TLS Web Server Authentication
            X509v3 Basic Constraints: critical
                CA:TRUE
            X509v3 Subject Key Identifier: 
                0F:7F:0F:98:55:4A:50:57:89:DB:83:19:A3:E9:96:E5:5A:87:AF:A1
    Signature Algorithm: ecdsa-with-SHA256
    Signature Value:
        30:45:02:20:07:7f:90:ce:76:37:53:d9:3d:c7:11:4d:45:24:
        f9:90:24:df:15:b8:45:b9:0a:4d:aa:2a:d2:13:6d:62:21:9e:
        02:21:00:c7:a1:7d:f1:8d:b3:96:e0:50:b4:3e:4a:14:5b:3d:
        1e:c3:18:65:83:1d:eb:d3:7c:f6:38:ee:56:bd:25:58:8d
`;
const LEAF_PEM = `-----BEGIN CERTIFICATE-----
MIIB2zCCAYGgAwIBAgIQD2knsMaf/P36leLz0FCg8TAKBggqhkjOPQQDAjAPMQ0w
CwYDVQQKEwRuaWwxMCAXDTI1MTIzMTIzNTUwMFoYDzIxMjUxMjA3MjM1NTAwWjAP
MQ0wCwYDVQQKEwRuaWwyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHvq8rG1+
9PbCc91N6AELRZx7b73+Uii30jbqa+uWZ5MJvgBAoaa41tpKU+ydyy5/vZNo4T3B
jePD/8g5RJzbRaOBvDCBuTAOBgNVHQ8BAf8EBAMCBaAwEwYDVR0lBAwwCgYIKwYB
BQUHAwEwDAYDVR0TAQH/BAIwADAfBgNVHSMEGDAWgBQPfw+YVUpQV4nbgxmj6Zbl
WoevoTBjBgNVHREEXDBagiJpbmdyZXNzLW5naW54LWNvbnRyb2xsZXItYWRtaXNz
aW9ugjRpbmdyZXNzLW5naW54LWNvbnRyb2xsZXItYWRtaXNzaW9uLmluZ3Jlc3Mt
bmdpbnguc3ZjMAoGCCqGSM49BAMCA0gAMEUCIDlUG8YwZjCpTK+PxhKatr4fj3HA
0Ea7oRP5aJjGgerXAiEA2ZbeXse69yiWjaKftn6IjSi3lK8pGvXOGHP/7ivlByw=
-----END CERTIFICATE-----
`;

const HOSTS = "ingress-nginx-controller-admission,ingress-nginx-controller-admission.ingress-nginx.svc";

describe("P-256", () => {
  it("derives the public point of a known scalar (1·G is the generator)", () => {
    expect(publicPoint(scalar(new Array(32).fill(0)))).toEqual([
      4, ...Buffer.from("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", "hex"), ...Buffer.from("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", "hex"),
    ]);
  });

  it("verifies its own signatures and no altered one", () => {
    const secret = scalar(Array.from({ length: 32 }, (_, i) => i * 7));
    const point = publicPoint(secret);
    const digest = Array.from({ length: 32 }, (_, i) => 255 - i);
    const { r, s } = ecdsaSign(digest, secret, Array.from({ length: 32 }, (_, i) => i));
    expect(ecdsaVerify(digest, point, r, s)).toBe(true);
    expect(ecdsaVerify([...digest.slice(0, 31), 0], point, r, s)).toBe(false);
    expect(ecdsaVerify(digest, publicPoint(scalar([1])), r, s)).toBe(false);
  });
});

describe("kube-webhook-certgen's certificates", () => {
  it("are what GenerateCerts makes, and openssl prints them as it did", () => {
    const certs = generateCerts(HOSTS, Date.UTC(2026, 0, 1), createRandom(3));
    expect(certs.ca).toBe(CA_PEM);
    expect(certs.cert).toBe(LEAF_PEM);
    const [ca] = certificatesIn(certs.ca);
    expect(certificateText(ca)).toBe(CA_TEXT);
  });

  it("chain the serving certificate for the admission Service's names to the CA, with its key", () => {
    const certs = generateCerts(HOSTS, Date.UTC(2026, 0, 1, 12), createRandom(11));
    const [ca] = certificatesIn(certs.ca);
    const [leaf] = certificatesIn(certs.cert);
    expect(ca).toMatchObject({ subject: [["O", "nil1"]], issuer: [["O", "nil1"]], ca: true, keyUsage: 0x04, serverAuth: true, curve: "prime256v1" });
    expect(leaf).toMatchObject({ subject: [["O", "nil2"]], issuer: [["O", "nil1"]], ca: false, keyUsage: 0xa0, serverAuth: true, authorityKeyId: ca.subjectKeyId });
    expect(leaf.altNames).toEqual(HOSTS.split(",").map((value) => ({ kind: "DNS", value })));
    // Valid from five minutes before the Job ran, for 100 years of 365 days.
    expect(leaf.notBefore).toBe(Date.UTC(2026, 0, 1, 11, 55));
    expect(leaf.notAfter - leaf.notBefore).toBe(100 * 365 * 86400_000);
    expect(signedBy(leaf, ca)).toBe(true);
    expect(signedBy(ca, ca)).toBe(true);
    const other = certificatesIn(generateCerts(HOSTS, Date.UTC(2026, 0, 1, 12), createRandom(12)).ca)[0];
    expect(signedBy(leaf, other)).toBe(false);
    expect(sameKey(leaf, parsePrivateKey(certs.key)!)).toBe(true);
  });
});
