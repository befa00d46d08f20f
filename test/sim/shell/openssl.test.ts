// openssl on the workstation as the connect-applications-service tutorial uses it, and the files it
// writes feeding `kubectl create secret tls`.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("openssl", () => {
  it("makes a self-signed certificate and key that openssl x509 prints and kubectl create secret tls takes", () => {
    const run = simTerminal(31);
    const made = run('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout /tmp/nginx.key -out /tmp/nginx.crt -subj "/CN=my-nginx/O=my-nginx"');
    expect(made.exitCode).toBe(0);
    expect(made.output).toMatch(/^([.+]+\+{64}\*[.+]+\+{64}\*[.+]+\+{64}\n){2}-----\n$/);
    expect(run("head -1 /tmp/nginx.key").output).toBe("-----BEGIN PRIVATE KEY-----\n");
    const fields = run("openssl x509 -in /tmp/nginx.crt -noout -subject -issuer -dates");
    expect(fields.output).toMatch(/^subject=CN = my-nginx, O = my-nginx\nissuer=CN = my-nginx, O = my-nginx\nnotBefore=(\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}) GMT\nnotAfter=\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT\n$/);
    const [, notBefore, notAfter] = /notBefore=(.*)\nnotAfter=(.*)\n/.exec(fields.output)!;
    expect(Date.parse(notAfter) - Date.parse(notBefore)).toBe(365 * 86400000);
    const text = run("openssl x509 -in /tmp/nginx.crt -noout -text").output;
    expect(text).toMatch(/^Certificate:\n    Data:\n        Version: 3 \(0x2\)\n        Serial Number:\n            ([0-9a-f]{2}:){19}[0-9a-f]{2}\n        Signature Algorithm: sha256WithRSAEncryption\n/);
    expect(text).toContain("                Public-Key: (2048 bit)\n");
    expect(run("kubectl create secret tls nginxsecret --key /tmp/nginx.key --cert /tmp/nginx.crt")).toEqual({ output: "secret/nginxsecret created\n", exitCode: 0 });
    expect(run("kubectl get secret nginxsecret -o jsonpath='{.type}'").output).toBe("kubernetes.io/tls");
  });

  it("refuses a key that is not the certificate's, and files that hold no certificate", () => {
    const run = simTerminal(32);
    run('openssl req -x509 -nodes -days 1 -newkey rsa:2048 -keyout a.key -out a.crt -subj "/CN=a"');
    run('openssl req -x509 -nodes -days 1 -newkey rsa:2048 -keyout b.key -out b.crt -subj "/CN=b"');
    expect(run("kubectl create secret tls t --cert a.crt --key b.key")).toEqual({ output: "error: failed to load key pair tls: private key does not match public key\n", exitCode: 1 });
    expect(run("openssl x509 -in a.key -noout -text")).toEqual({ output: "Could not read certificate from a.key\nUnable to load certificate\n", exitCode: 1 });
    expect(run("openssl x509 -in nope.crt -noout").output).toMatch(/^Could not open file or uri for loading certificate from nope.crt\n[\s\S]*Unable to load certificate\n$/);
    expect(run('openssl req -x509 -nodes -newkey rsa:2048 -keyout k -out c -subj "/XX=a"').exitCode).toBe(1);
    expect(run("openssl x509 -in a.crt -noout -ext subjectAltName").output).toBe("");
  });

  it("writes subjectAltName from -addext", () => {
    const run = simTerminal(33);
    run('openssl req -x509 -nodes -days 30 -newkey rsa:2048 -keyout k -out c -subj "/CN=foo.example" -addext "subjectAltName=DNS:foo.example,IP:10.0.0.1"');
    expect(run("openssl x509 -in c -noout -ext subjectAltName").output).toBe("X509v3 Subject Alternative Name: \n    DNS:foo.example, IP Address:10.0.0.1\n");
  });
});
