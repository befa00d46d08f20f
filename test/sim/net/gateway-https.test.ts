// HTTPS listeners on an NGINX Gateway Fabric Gateway: TLS terminated with a kubernetes.io/tls
// Secret's certificate chosen by SNI, NGF's listener conditions for missing, invalid and
// cross-namespace Secrets (ReferenceGrant), and the HTTP -> HTTPS RequestRedirect end to end.
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, execute, type CommandResult, type SessionState } from "../../../worker/sim/engine.ts";

const GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml";
const NGF = "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy";
const LB = "192.168.56.200";

interface Session {
  run: (command: string) => CommandResult;
  wait: (seconds: number) => void;
  fork: () => Session;
}

function session(state: SessionState, start: number): Session {
  let now = start;
  const run = (command: string) => {
    now += 2000;
    const result = execute(state, command, { now });
    state = result.state;
    return result;
  };
  return {
    run,
    wait: (seconds) => {
      for (let t = 0; t < seconds; t += 5) {
        now += 3000;
        run("true");
      }
    },
    fork: () => session(state, now),
  };
}

const apply = (yaml: string) => `kubectl apply -f - <<'EOF'\n${yaml}EOF`;
const gateway = (certificateRefs: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: cafe
spec:
  gatewayClassName: nginx
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    hostname: cafe.example.com
  - name: https
    port: 443
    protocol: HTTPS
    hostname: cafe.example.com
    tls:
      mode: Terminate
      certificateRefs:
${certificateRefs}`;
const listenerConditions = (s: Session, listener: string) =>
  s.run(`kubectl get gateway cafe -o jsonpath='{range .status.listeners[?(@.name=="${listener}")].conditions[*]}{.type}={.status}/{.reason}: {.message}{"\\n"}{end}'`).output;

let cafe: Session;

beforeAll(() => {
  const start = Date.UTC(2026, 0, 1);
  const s = session(createSession({ seed: 7, now: start }), start);
  for (const command of [`kubectl apply -f ${GATEWAY_API}`, `kubectl apply --server-side -f ${NGF}/crds.yaml`, `kubectl apply -f ${NGF}/default/deploy.yaml`]) expect(s.run(command).exitCode).toBe(0);
  s.wait(15);
  s.run('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout cafe.key -out cafe.crt -subj "/CN=cafe.example.com" -addext "subjectAltName=DNS:cafe.example.com"');
  expect(s.run("kubectl create secret tls cafe-secret --key cafe.key --cert cafe.crt").exitCode).toBe(0);
  s.run(apply(gateway("      - kind: Secret\n        name: cafe-secret\n")));
  s.run(apply(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coffee\nspec:\n  selector:\n    matchLabels: {app: coffee}\n  template:\n    metadata:\n      labels: {app: coffee}\n    spec:\n      containers:\n      - name: echo\n        image: registry.k8s.io/echoserver:1.10\n`));
  s.run("kubectl expose deployment coffee --port=80 --target-port=8080");
  s.run(apply(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cafe-tls-redirect
spec:
  parentRefs:
  - name: cafe
    sectionName: http
  hostnames: [cafe.example.com]
  rules:
  - filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: https
        port: 443
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: coffee
spec:
  parentRefs:
  - name: cafe
    sectionName: https
  hostnames: [cafe.example.com]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /coffee}
    backendRefs: [{name: coffee, port: 80}]
`));
  s.wait(15);
  expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.addresses[0].value}'").output).toBe(LB);
  cafe = s;
}, 120_000);

describe("HTTPS listeners on NGF's data plane", () => {
  it("terminates TLS with the listener's Secret for its host name, and proxies with X-Forwarded-Proto https", () => {
    const s = cafe.fork();
    expect(listenerConditions(s, "https")).toBe(
      "Programmed=True/Programmed: The Listener is programmed\nAccepted=True/Accepted: The Listener is accepted\nResolvedRefs=True/ResolvedRefs: All references are resolved\nConflicted=False/NoConflicts: No conflicts\n",
    );
    const verified = s.run(`curl -sv --cacert cafe.crt --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee`);
    expect(verified.exitCode).toBe(0);
    expect(verified.output).toContain('*  subjectAltName: host "cafe.example.com" matched cert\'s "cafe.example.com"');
    expect(verified.output).toContain("* ALPN: server accepted h2");
    expect(verified.output).toMatch(/< HTTP\/2 200/);
    expect(verified.output).toContain("x-forwarded-proto=https");
    const note = verified.traces?.[0]?.hops.find((h) => h.note?.includes("HTTPRoute default/coffee"))?.note ?? "";
    expect(note).toContain("HTTPRoute default/coffee rule 0 match 0 (PathPrefix /coffee) via listener https, server cafe.example.com matched: proxied to");
    // Without --cacert the self-signed certificate is refused; -k takes it.
    expect(s.run(`curl -s --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee`).exitCode).toBe(60);
    expect(s.run(`curl -sk --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee`).exitCode).toBe(0);
  });

  it("rejects a handshake without a server name, or for a host no HTTPS server takes (ssl_reject_handshake)", () => {
    const s = cafe.fork();
    const ip = s.run(`curl -sSkv https://${LB}/coffee`);
    expect(ip.exitCode).toBe(35);
    expect(ip.output).toContain("* TLSv1.3 (IN), TLS alert, unrecognized name (624):");
    expect(ip.output).toContain("curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name");
    expect(ip.traces?.[0]?.verdict).toBe("tls-failed");
    expect(ip.traces?.[0]?.reason).toContain("answered the client's hello with an unrecognized_name alert: the default server (the client sent no server name)");
    expect(s.run(`curl -sk --resolve tea.example.com:443:${LB} https://tea.example.com/`).exitCode).toBe(35);
  });

  it("redirects HTTP to HTTPS with the RequestRedirect filter, and the Location answers over TLS", () => {
    const s = cafe.fork();
    const redirect = s.run(`curl -si --resolve cafe.example.com:80:${LB} http://cafe.example.com/coffee?x=1`);
    expect(redirect.output).toMatch(/^HTTP\/1\.1 302 Moved Temporarily\r?\n/);
    expect(redirect.output).toContain("Location: https://cafe.example.com/coffee?x=1");
    const followed = s.run(`curl -sk --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee?x=1`);
    expect(followed.exitCode).toBe(0);
    expect(followed.output).toContain("x-forwarded-proto=https");
  });

  it("sets NGF's conditions for a missing Secret, a Secret of the wrong type and a broken pair; the listener then serves nothing", () => {
    const s = cafe.fork();
    s.run(apply(gateway("      - name: nowhere\n")));
    s.wait(5);
    const missing = "tls.certificateRefs[0]: Invalid value: default/nowhere: Secret default/nowhere does not exist";
    expect(listenerConditions(s, "https")).toBe(`Accepted=False/InvalidCertificateRef: ${missing}\nResolvedRefs=False/InvalidCertificateRef: ${missing}\nProgrammed=False/Invalid: ${missing}\n`);
    expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.conditions[0].type}={.status.conditions[0].reason}: {.status.conditions[0].message}'").output).toBe("Programmed=Programmed: The Gateway is programmed");
    expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.conditions[1].type}={.status.conditions[1].reason}: {.status.conditions[1].message}'").output).toBe("Accepted=ListenersNotValid: The Gateway has at least one valid listener");
    expect(s.run("kubectl get httproute coffee -o jsonpath='{.status.parents[0].conditions[1].reason}: {.status.parents[0].conditions[1].message}'").output).toBe("InvalidListener: The Listener is invalid for this parent ref");
    expect(s.run(`curl -sk --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee`).exitCode).toBe(35);

    s.run("kubectl create secret generic opaque --from-literal=tls.crt=x --from-literal=tls.key=y");
    s.run(apply(gateway("      - name: opaque\n")));
    s.wait(5);
    expect(listenerConditions(s, "https")).toContain('ResolvedRefs=False/InvalidCertificateRef: tls.certificateRefs[0]: Invalid value: default/opaque: unsupported secret type "Opaque"');

    s.run("openssl req -x509 -nodes -days 30 -newkey rsa:2048 -keyout other.key -out other.crt -subj /CN=other");
    // The API server checks only that both keys are there; the pair is NGF's to refuse.
    expect(s.run("kubectl create secret generic broken --type=kubernetes.io/tls --from-file=tls.crt=cafe.crt --from-file=tls.key=other.key").exitCode).toBe(0);
    s.run(apply(gateway("      - name: broken\n")));
    s.wait(5);
    expect(listenerConditions(s, "https")).toContain("ResolvedRefs=False/InvalidCertificateRef: tls.certificateRefs[0]: Invalid value: default/broken: tls secret is invalid: tls: private key does not match public key");
  });

  it("needs a ReferenceGrant for a Secret in another namespace", () => {
    const s = cafe.fork();
    s.run("kubectl create namespace certs");
    s.run("kubectl -n certs create secret tls cafe-secret --key cafe.key --cert cafe.crt");
    s.run(apply(gateway("      - name: cafe-secret\n        namespace: certs\n")));
    s.wait(5);
    const msg = "Certificate ref to secret certs/cafe-secret not permitted by any ReferenceGrant";
    expect(listenerConditions(s, "https")).toBe(`Accepted=False/RefNotPermitted: ${msg}\nResolvedRefs=False/RefNotPermitted: ${msg}\nProgrammed=False/Invalid: ${msg}\n`);
    s.run(apply(`apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-cafe
  namespace: certs
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: Gateway
    namespace: default
  to:
  - group: ""
    kind: Secret
`));
    s.wait(5);
    expect(listenerConditions(s, "https")).toContain("ResolvedRefs=True/ResolvedRefs: All references are resolved");
    expect(s.run(`curl -s --cacert cafe.crt --resolve cafe.example.com:443:${LB} https://cafe.example.com/coffee`).exitCode).toBe(0);
  });
});
