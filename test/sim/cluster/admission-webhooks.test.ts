// The API server calls ingress-nginx's validating webhook on Ingress create and update: a call that
// cannot be made fails the request (failurePolicy Fail), the controller's answer denies what it
// would not serve, and without the ValidatingWebhookConfiguration nothing is called.

import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { generateCerts } from "../../../worker/sim/cluster/webhook-certgen.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

function terminal(seed: number, withIngress: boolean): (command: string, stepMs?: number) => { output: string; exitCode: number } {
  let now = Date.UTC(2026, 0, 1);
  let state: SessionState = createSession({ seed, now, ...(withIngress ? { profile: resolveProfile({ ingress: "nginx" }) } : {}) });
  return (command, stepMs = 3000) => {
    now += stepMs;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
}

const HOOK = "validate.nginx.ingress.kubernetes.io";
const URL = "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/v1/ingresses?timeout=10s";

const MANIFEST = `cat > web.yaml <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: app.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
EOF`;

function clusterIP(run: ReturnType<typeof terminal>): string {
  return run("kubectl get svc -n ingress-nginx ingress-nginx-controller-admission -o jsonpath={.spec.clusterIP}").output;
}

describe("calling the admission webhook", () => {
  it("fails an apply while the controller has no ready pod behind its admission Service, as kubectl shows it", () => {
    const run = terminal(1, true);
    run(MANIFEST);
    run("kubectl scale -n ingress-nginx deploy ingress-nginx-controller --replicas=0");
    const ip = clusterIP(run);
    expect(run("kubectl apply -f web.yaml")).toEqual({
      output: `Error from server (InternalError): error when creating "web.yaml": Internal error occurred: failed calling webhook "${HOOK}": failed to call webhook: Post "${URL}": dial tcp ${ip}:443: connect: connection refused\n`,
      exitCode: 1,
    });
    expect(run("kubectl get ingress").output).toBe("No resources found in default namespace.\n");
    run("kubectl scale -n ingress-nginx deploy ingress-nginx-controller --replicas=1");
    run("kubectl wait -n ingress-nginx --for=condition=ready pod -l app.kubernetes.io/component=controller --timeout=120s", 20_000);
    expect(run("kubectl apply -f web.yaml")).toEqual({ output: "ingress.networking.k8s.io/web created\n", exitCode: 0 });
  });

  it("refuses the connection right after the manifest is applied, before the controller's pod is up", () => {
    const run = terminal(2, false);
    run("kubectl apply -f https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/baremetal/deploy.yaml");
    const result = run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"', 100);
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(new RegExp(`^error: failed to create ingress: Internal error occurred: failed calling webhook "${HOOK}": failed to call webhook: Post "${URL.replace(/[.?]/g, "\\$&")}": dial tcp 10\\.\\d+\\.\\d+\\.\\d+:443: connect: connection refused\\n$`));
  });

  it("fails TLS verification when the caBundle is not the CA of the controller's certificate; failurePolicy Ignore lets the request through", () => {
    const run = terminal(3, true);
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    run(`kubectl patch validatingwebhookconfiguration ingress-nginx-admission --type=json -p='[{"op":"remove","path":"/webhooks/0/clientConfig/caBundle"}]'`);
    expect(run("kubectl annotate ingress web team=a")).toEqual({
      output: `Error from server (InternalError): Internal error occurred: failed calling webhook "${HOOK}": failed to call webhook: Post "${URL}": tls: failed to verify certificate: x509: certificate signed by unknown authority\n`,
      exitCode: 1,
    });
    run(`kubectl patch validatingwebhookconfiguration ingress-nginx-admission --type=json -p='[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'`);
    expect(run("kubectl annotate ingress web team=a").output).toBe("ingress.networking.k8s.io/web annotated\n");
  });

  it("names the CA of another install that fails the signature check (certgen's CAs all read O=nil1)", () => {
    const run = terminal(11, true);
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    const stale = btoa(generateCerts("ingress-nginx-controller-admission", Date.UTC(2025, 0, 1), createRandom(99)).ca);
    run(`kubectl patch validatingwebhookconfiguration ingress-nginx-admission --type=json -p='[{"op":"replace","path":"/webhooks/0/clientConfig/caBundle","value":"${stale}"}]'`);
    expect(run("kubectl annotate ingress web team=a").output).toBe(
      `Error from server (InternalError): Internal error occurred: failed calling webhook "${HOOK}": failed to call webhook: Post "${URL}": tls: failed to verify certificate: x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "nil1")\n`,
    );
  });

  it("stops once the webhook configuration is deleted", () => {
    const run = terminal(4, true);
    run("kubectl scale -n ingress-nginx deploy ingress-nginx-controller --replicas=0");
    expect(run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"').exitCode).toBe(1);
    run("kubectl delete validatingwebhookconfiguration ingress-nginx-admission");
    expect(run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"')).toEqual({ output: "ingress.networking.k8s.io/web created\n", exitCode: 0 });
  });

  it("is not called for other kinds than its rules name", () => {
    const run = terminal(5, true);
    run("kubectl scale -n ingress-nginx deploy ingress-nginx-controller --replicas=0");
    expect(run("kubectl create deployment web --image=nginx").exitCode).toBe(0);
  });
});

describe("what ingress-nginx's webhook denies", () => {
  // Each is `kubectl create ingress`, whose create_ingress.go wraps the server's error ("failed to create ingress: %v").
  const denied = (reason: string) => ({ output: `error: failed to create ingress: admission webhook "${HOOK}" denied the request: ${reason}\n`, exitCode: 1 });

  it("a host and path another Ingress of the class already has, in any namespace; the older one may still change", () => {
    const run = terminal(6, true);
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    expect(run('kubectl create ingress copy --class=nginx --rule="app.example/*=other:80"')).toEqual(denied(`host "app.example" and path "/" is already defined in ingress default/web`));
    run("kubectl create namespace team");
    expect(run('kubectl create ingress copy -n team --class=nginx --rule="app.example/*=other:80"')).toEqual(denied(`host "app.example" and path "/" is already defined in ingress default/web`));
    // Rules without a host are nginx's catch-all server `_`.
    run('kubectl create ingress any --class=nginx --rule="/api*=web:80"');
    expect(run('kubectl create ingress any2 --class=nginx --rule="/api=web:80"')).toEqual(denied(`host "_" and path "/api" is already defined in ingress default/any`));
    expect(run("kubectl annotate ingress web team=a").exitCode).toBe(0);
    // Another class is not the controller's business.
    expect(run('kubectl create ingress elsewhere --class=other --rule="app.example/*=web:80"').exitCode).toBe(0);
  });

  it("lets a canary Ingress share the path of its main one", () => {
    const run = terminal(7, true);
    run('kubectl create ingress web --class=nginx --rule="app.example/*=web:80"');
    const canary = run('kubectl create ingress web-canary --class=nginx --rule="app.example/*=web-v2:80" --annotation=nginx.ingress.kubernetes.io/canary=true --annotation=nginx.ingress.kubernetes.io/canary-weight=20');
    expect(canary).toEqual({ output: "ingress.networking.k8s.io/web-canary created\n", exitCode: 0 });
  });

  it("snippet annotations, unless the controller's ConfigMap allows them", () => {
    const run = terminal(8, true);
    const create = () => run(`kubectl create ingress snip --class=nginx --rule="app.example/*=web:80" --annotation='nginx.ingress.kubernetes.io/configuration-snippet=more_set_headers "X: y";'`);
    expect(create()).toEqual(denied("nginx.ingress.kubernetes.io/configuration-snippet annotation cannot be used. Snippet directives are disabled by the Ingress administrator"));
    run(`kubectl patch configmap -n ingress-nginx ingress-nginx-controller -p '{"data":{"allow-snippet-annotations":"true"}}'`);
    // Snippets are Critical, above annotations-risk-level's default High.
    expect(create()).toEqual(denied("annotation group ConfigurationSnippet contains risky annotation based on ingress configuration"));
    run(`kubectl patch configmap -n ingress-nginx ingress-nginx-controller -p '{"data":{"annotations-risk-level":"Critical"}}'`);
    expect(create().exitCode).toBe(0);
  });

  // annotations.Extract: each group's risk against annotations-risk-level, then the parsers that
  // refuse an invalid value (the others keep their default and let the Ingress in).
  it.each([
    { annotation: "permanent-redirect-code=abc", reason: "annotation nginx.ingress.kubernetes.io/permanent-redirect-code contains invalid value" },
    { annotation: "permanent-redirect=https://new.example/a b", reason: "annotation nginx.ingress.kubernetes.io/permanent-redirect contains invalid value" },
    { annotation: "from-to-www-redirect=yes", reason: "annotation nginx.ingress.kubernetes.io/from-to-www-redirect contains invalid value" },
    { annotation: "limit-rps=ten", reason: "annotation nginx.ingress.kubernetes.io/limit-rps contains invalid value" },
    { annotation: "custom-http-errors=404,302", reason: "annotation nginx.ingress.kubernetes.io/custom-http-errors contains invalid value" },
    { annotation: "default-backend=My_Service", reason: "annotation nginx.ingress.kubernetes.io/default-backend contains invalid value" },
    { annotation: "server-alias=www.app.example,bad;alias", reason: "annotation nginx.ingress.kubernetes.io/server-alias contains invalid value" },
    { annotation: "upstream-hash-by=$request_uri;", reason: "annotation nginx.ingress.kubernetes.io/upstream-hash-by contains invalid value" },
    // Parsers that log the bad value and keep their default let the Ingress in.
    { annotation: "canary-weight=lots", reason: undefined },
    { annotation: "proxy-body-size=big", reason: undefined },
    { annotation: "ssl-redirect=maybe", reason: undefined },
    { annotation: "backend-protocol=SPDY", reason: undefined },
    // temporal-redirect-code is read only with a temporal-redirect.
    { annotation: "temporal-redirect-code=abc", reason: undefined },
  ])("annotation values: $annotation", ({ annotation, reason }) => {
    const run = terminal(11, true);
    const out = run(`kubectl create ingress web --class=nginx --rule="app.example/*=web:80" '--annotation=nginx.ingress.kubernetes.io/${annotation}'`);
    expect(out).toEqual(reason === undefined ? { output: "ingress.networking.k8s.io/web created\n", exitCode: 0 } : denied(reason));
  });

  it("annotations riskier than annotations-risk-level, by their group", () => {
    const run = terminal(12, true);
    const create = (name: string, annotation: string) => run(`kubectl create ingress ${name} --class=nginx --rule="${name}.example/*=web:80" '--annotation=nginx.ingress.kubernetes.io/${annotation}'`);
    // upstream-hash-by is High: allowed at the default level.
    expect(create("a", "upstream-hash-by=$request_uri").exitCode).toBe(0);
    run(`kubectl patch configmap -n ingress-nginx ingress-nginx-controller -p '{"data":{"annotations-risk-level":"Medium"}}'`);
    expect(create("b", "upstream-hash-by=$request_uri")).toEqual(denied("annotation group UpstreamHashBy contains risky annotation based on ingress configuration"));
    expect(create("c", "rewrite-target=/$1").exitCode).toBe(0);
    // An unknown level reads as Low (StringRiskToRisk); the alias whitelist-source-range is as risky as allowlist-source-range.
    run(`kubectl patch configmap -n ingress-nginx ingress-nginx-controller -p '{"data":{"annotations-risk-level":"strict"}}'`);
    expect(create("d", "whitelist-source-range=10.0.0.0/8")).toEqual(denied("annotation group Allowlist contains risky annotation based on ingress configuration"));
    expect(create("e", "enable-cors=true").exitCode).toBe(0);
  });

  it("regex paths with pathType Exact or Prefix (strict-validate-path-type), all of them named", () => {
    const run = terminal(9, true);
    expect(run('kubectl create ingress re --class=nginx --rule="app.example/a(.*)=web:80" --rule="app.example/b+*=web:80"')).toEqual(
      denied("ingress contains invalid paths: path /a(.*) cannot be used with pathType Exact\npath /b+ cannot be used with pathType Prefix"),
    );
  });

  it("what the deep inspector forbids, whatever the class", () => {
    const run = terminal(10, true);
    expect(run('kubectl create ingress etc --class=other --rule="app.example/etc/passwd=web:80"')).toEqual(
      denied("invalid object: invalid rule in ingress default/etc: invalid http path: invalid value found: /etc/passwd"),
    );
  });
});
