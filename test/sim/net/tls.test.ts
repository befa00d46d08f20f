// HTTPS through the simulation: an nginx pod serving TLS from a Secret as the
// connect-applications-service tutorial configures it, and ingress-nginx terminating TLS for an
// Ingress host (HTTP/2, HSTS) or with its fake certificate. curl's verification and its errors
// follow curl 7.88/8.x against real servers (exit 60 for a bad certificate or name, 77 for an
// unreadable --cacert, 35 for a plain-HTTP port).

import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { certificateMatches } from "../../../worker/sim/net/tls.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { generateKey, issue, type AltName } from "../../../worker/sim/tls/x509.ts";

function terminal(seed: number, ingress = false): (command: string) => { output: string; exitCode: number } {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, ...(ingress ? { profile: resolveProfile({ ingress: "nginx" }) } : {}) });
  return (command) => {
    now += 3000;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
}

const DEFAULT_CONF = `server {
        listen 80 default_server;
        listen [::]:80 default_server ipv6only=on;

        listen 443 ssl;

        root /usr/share/nginx/html;
        index index.html;

        server_name localhost;
        ssl_certificate /etc/nginx/ssl/tls.crt;
        ssl_certificate_key /etc/nginx/ssl/tls.key;

        location / {
                try_files $uri $uri/ =404;
        }
}`;

const SECURE_APP = `apiVersion: v1
kind: Service
metadata:
  name: my-nginx
spec:
  type: NodePort
  ports:
  - port: 8080
    targetPort: 80
    protocol: TCP
    name: http
  - port: 443
    protocol: TCP
    name: https
  selector:
    run: my-nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 1
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      volumes:
      - name: secret-volume
        secret:
          secretName: nginxsecret
      - name: configmap-volume
        configMap:
          name: nginxconfigmap
      containers:
      - name: nginxhttps
        image: nginx
        ports:
        - containerPort: 443
        - containerPort: 80
        volumeMounts:
        - mountPath: /etc/nginx/ssl
          name: secret-volume
        - mountPath: /etc/nginx/conf.d
          name: configmap-volume`;

const CA_HELP = "More details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.\n";

describe("nginx serving TLS from a Secret (connect-applications-service)", () => {
  function secureNginx() {
    const run = terminal(41);
    run('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout /tmp/nginx.key -out /tmp/nginx.crt -subj "/CN=my-nginx/O=my-nginx"');
    expect(run("kubectl create secret tls nginxsecret --key /tmp/nginx.key --cert /tmp/nginx.crt").exitCode).toBe(0);
    run(`cat > default.conf <<'EOF'\n${DEFAULT_CONF}\nEOF`);
    expect(run("kubectl create configmap nginxconfigmap --from-file=default.conf").output).toBe("configmap/nginxconfigmap created\n");
    run(`kubectl apply -f - <<'EOF'\n${SECURE_APP}\nEOF`);
    run("kubectl rollout status deploy/my-nginx");
    return run;
  }

  it("answers curl --cacert with the Secret's certificate, verified by its CN", () => {
    const run = secureNginx();
    const res = run("kubectl exec deploy/my-nginx -- curl -s --cacert /etc/nginx/ssl/tls.crt https://my-nginx");
    expect(res.exitCode).toBe(0);
    expect(res.output).toContain("<title>Welcome to nginx!</title>");
    const verbose = run("kubectl exec deploy/my-nginx -- curl -sv --cacert /etc/nginx/ssl/tls.crt https://my-nginx -o /dev/null").output;
    expect(verbose).toContain("* Connected to my-nginx (10.");
    expect(verbose).toMatch(
      /\* ALPN: curl offers h2,http\/1\.1\n\* TLSv1\.3 \(OUT\), TLS handshake, Client hello \(1\):\n\*  CAfile: \/etc\/nginx\/ssl\/tls\.crt\n\*  CApath: \/etc\/ssl\/certs\n\* TLSv1\.3 \(IN\), TLS handshake, Server hello \(2\):\n[\s\S]*\* SSL connection using TLSv1\.3 \/ TLS_AES_256_GCM_SHA384 \/ X25519 \/ RSASSA-PSS\n\* ALPN: server accepted http\/1\.1\n\* Server certificate:\n\*  subject: CN=my-nginx; O=my-nginx\n\*  start date: \w{3} [ \d]\d \d\d:\d\d:\d\d 2026 GMT\n\*  expire date: \w{3} [ \d]\d \d\d:\d\d:\d\d 2027 GMT\n\*  common name: my-nginx \(matched\)\n\*  issuer: CN=my-nginx; O=my-nginx\n\*  SSL certificate verify ok\.\n\* using HTTP\/1\.1\n> GET \/ HTTP\/1\.1\n/,
    );
    expect(run("kubectl logs deploy/my-nginx --tail=1").output).toMatch(/"GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.14\.1"/);
  });

  it("fails as curl does: no CA, a name the certificate lacks, an unreadable --cacert, plain http on 8080", () => {
    const run = secureNginx();
    expect(run("kubectl exec deploy/my-nginx -- curl -sS https://my-nginx")).toEqual({ output: `curl: (60) SSL certificate problem: self-signed certificate\n${CA_HELP}command terminated with exit code 60\n`, exitCode: 60 });
    expect(run("kubectl exec deploy/my-nginx -- curl -sS --cacert /etc/nginx/ssl/tls.crt https://my-nginx.default.svc.cluster.local").output).toBe(
      `curl: (60) SSL: certificate subject name 'my-nginx' does not match target host name 'my-nginx.default.svc.cluster.local'\n${CA_HELP}command terminated with exit code 60\n`,
    );
    expect(run("kubectl exec deploy/my-nginx -- curl -sS --cacert /etc/nope.crt https://my-nginx").output).toBe("curl: (77) error setting certificate file: /etc/nope.crt\ncommand terminated with exit code 77\n");
    expect(run("kubectl exec deploy/my-nginx -- curl -sS https://my-nginx:8080").output).toBe("curl: (35) OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number\ncommand terminated with exit code 35\n");
    // -k: neither the issuer nor the name is checked; -v says why it continues.
    const insecure = run("kubectl exec deploy/my-nginx -- curl -skv https://my-nginx.default.svc.cluster.local -o /dev/null").output;
    expect(insecure).toContain("*  issuer: CN=my-nginx; O=my-nginx\n*  SSL certificate verify result: self-signed certificate (18), continuing anyway.\n");
    expect(insecure).not.toContain("CAfile");
    // Plain http still answers on port 80.
    expect(run("kubectl exec deploy/my-nginx -- curl -s -o /dev/null -w '%{http_code}' http://my-nginx:8080").output).toBe("200");
  });
});

describe("ingress-nginx terminating TLS", () => {
  function cluster() {
    const run = terminal(42, true);
    const port = /443:(\d+)\/TCP/.exec(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output)![1];
    run("kubectl create deployment web --image=traefik/whoami");
    run("kubectl expose deployment web --port=80");
    return { run, port };
  }

  it("serves an Ingress host with its Secret's certificate over HTTP/2 with HSTS", () => {
    const { run, port } = cluster();
    run('openssl req -x509 -nodes -days 90 -newkey rsa:2048 -keyout tls.key -out tls.crt -subj "/CN=secure.example" -addext "subjectAltName=DNS:secure.example,DNS:*.secure.example"');
    run("kubectl create secret tls secure-tls --key tls.key --cert tls.crt");
    run('kubectl create ingress secure --class=nginx --rule="secure.example/*=web:80,tls=secure-tls" --rule="www.secure.example/*=web:80,tls=secure-tls"');
    const res = run(`curl -v --cacert tls.crt --resolve www.secure.example:${port}:192.168.56.11 https://www.secure.example:${port}/hi`);
    expect(res.exitCode).toBe(0);
    expect(res.output).toContain(`*  subjectAltName: host "www.secure.example" matched cert's "*.secure.example"\n*  issuer: CN=secure.example\n*  SSL certificate verify ok.\n* using HTTP/2\n* [HTTP/2] [1] OPENED stream for https://www.secure.example:${port}/hi\n`);
    expect(res.output).toContain("* ALPN: server accepted h2\n");
    expect(res.output).toMatch(/\n< HTTP\/2 200 \n< date: .*\n< content-type: text\/plain; charset=utf-8\n< content-length: \d+\n< strict-transport-security: max-age=31536000; includeSubDomains\n< \n/);
    expect(res.output).toContain("\nX-Forwarded-Proto: https\n");
    expect(run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=1").output).toMatch(/"GET \/hi HTTP\/2\.0" 200 /);
    // The same host over plain http is redirected (ssl-redirect), over https it is not.
    expect(run(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: secure.example' http://192.168.56.11:${/80:(\d+)\/TCP/.exec(run("kubectl get svc -n ingress-nginx ingress-nginx-controller").output)![1]}/`).output).toBe("308");
    expect(run(`curl -sk -o /dev/null -w '%{http_code}' --resolve secure.example:${port}:192.168.56.11 https://secure.example:${port}/`).output).toBe("200");
  });

  it("presents its fake certificate for hosts without a matching TLS Secret, and the name check fails", () => {
    const { run, port } = cluster();
    run('kubectl create ingress nosecret --class=nginx --rule="app.example/*=web:80,tls=missing"');
    const insecure = run(`curl -skv --resolve app.example:${port}:192.168.56.11 https://app.example:${port}/ -o /dev/null`).output;
    expect(insecure).toContain("*  subject: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n");
    expect(insecure).toContain("*  issuer: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n*  SSL certificate verify result: self-signed certificate (18), continuing anyway.\n");
    const [, start, end] = /start date: (.*)\n\*  expire date: (.*)\n/.exec(insecure)!;
    expect(Date.parse(end.replace(" GMT", "Z")) - Date.parse(start.replace(" GMT", "Z"))).toBe(365 * 86400000);
    expect(run(`curl -sS https://192.168.56.11:${port}/`).output).toBe(`curl: (60) SSL certificate problem: self-signed certificate\n${CA_HELP}`);
    expect(run(`curl -s -k -o /dev/null -w '%{http_code}' https://192.168.56.11:${port}/`).output).toBe("404");
    // A certificate for another name is not used for the host: the fake one is.
    run('openssl req -x509 -nodes -days 30 -newkey rsa:2048 -keyout o.key -out o.crt -subj "/CN=other.example"');
    run("kubectl create secret tls missing --key o.key --cert o.crt");
    expect(run(`curl -skv --resolve app.example:${port}:192.168.56.11 https://app.example:${port}/ -o /dev/null`).output).toContain("Fake Certificate\n");
  });
});

describe("certificate names", () => {
  const random = createRandom(5);
  const cert = (cn: string, altNames: AltName[] = []) => issue({ serial: [1], subject: [["CN", cn]], notBefore: 0, notAfter: 1, key: generateKey(random), altNames }).certificate;
  it.each([
    ["CN only, exact", cert("my-nginx"), "my-nginx", true],
    ["CN is ignored when there are SANs", cert("my-nginx", [{ kind: "DNS", value: "other" }]), "my-nginx", false],
    ["wildcard matches one label", cert("x", [{ kind: "DNS", value: "*.example.com" }]), "a.example.com", true],
    ["wildcard does not match two labels", cert("x", [{ kind: "DNS", value: "*.example.com" }]), "a.b.example.com", false],
    ["wildcard does not match the bare domain", cert("x", [{ kind: "DNS", value: "*.example.com" }]), "example.com", false],
    ["an IP address needs an IP SAN", cert("10.0.0.1", [{ kind: "DNS", value: "10.0.0.1" }]), "10.0.0.1", false],
    ["IP SAN", cert("x", [{ kind: "IP", value: "10.0.0.1" }]), "10.0.0.1", true],
    ["case-insensitive", cert("x", [{ kind: "DNS", value: "App.Example" }]), "app.example", true],
  ])("%s", (_name, certificate, host, ok) => {
    expect(certificateMatches(certificate, host).ok).toBe(ok);
  });
});
