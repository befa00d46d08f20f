// NGINX Gateway Fabric 2.6.7 installed as its docs install it (the Gateway API CRDs, then its
// crds.yaml and deploy/default/deploy.yaml by URL): the cert Job writes the TLS Secrets, the control
// plane runs, GatewayClass nginx is accepted, a Gateway gets its data plane `<gateway>-nginx` with a
// MetalLB address, and routes get their status per parent with NGF's reasons.
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";

const GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml";
const GATEWAY_API_151 = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml";
const NGF = "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy";

interface Session {
  run: (command: string) => { output: string; exitCode: number };
  /** Lets `seconds` pass in 5-second steps, as a learner's next commands would. */
  wait: (seconds: number) => void;
  fork: () => Session;
}

function session(state: SessionState, start: number): Session {
  let now = start;
  const step = (command: string) => {
    now += 2000;
    const result = execute(state, command, { now });
    state = result.state;
    return { output: result.output, exitCode: result.exitCode };
  };
  return {
    run: step,
    wait: (seconds) => {
      for (let t = 0; t < seconds; t += 5) {
        now += 3000;
        step("true");
      }
    },
    fork: () => session(state, now),
  };
}

const apply = (yaml: string) => `kubectl apply -f - <<'EOF'\n${yaml}EOF`;

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: cafe
spec:
  gatewayClassName: nginx
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    hostname: "*.example.com"
`;

let installed: Session;

beforeAll(() => {
  const start = Date.UTC(2026, 0, 1);
  const s = session(createSession({ seed: 3, now: start }), start);
  expect(s.run(`kubectl apply -f ${GATEWAY_API}`).exitCode).toBe(0);
  expect(s.run(`kubectl apply --server-side -f ${NGF}/crds.yaml`).exitCode).toBe(0);
  const deploy = s.run(`kubectl apply -f ${NGF}/default/deploy.yaml`);
  expect(deploy.exitCode).toBe(0);
  expect(deploy.output).toContain("gatewayclass.gateway.networking.k8s.io/nginx created\nnginxgateway.gateway.nginx.org/nginx-gateway-config created\nnginxproxy.gateway.nginx.org/nginx-gateway-proxy-config created\n");
  s.wait(15);
  installed = s;
}, 60_000);

describe("NGINX Gateway Fabric's install", () => {
  it("needs --server-side for its crds.yaml: NginxProxy's CRD is too big for client-side apply's annotation", () => {
    const start = Date.UTC(2026, 0, 1);
    const s = session(createSession({ seed: 3, now: start }), start);
    const client = s.run(`kubectl apply -f ${NGF}/crds.yaml`);
    expect(client.exitCode).toBe(1);
    expect(client.output).toContain("customresourcedefinition.apiextensions.k8s.io/nginxgateways.gateway.nginx.org created\n");
    expect(client.output.endsWith('The CustomResourceDefinition "nginxproxies.gateway.nginx.org" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes\n')).toBe(true);
    const server = s.run(`kubectl apply --server-side -f ${NGF}/crds.yaml`);
    expect(server.exitCode).toBe(0);
    expect(server.output.split("\n")[3]).toBe("customresourcedefinition.apiextensions.k8s.io/nginxproxies.gateway.nginx.org serverside-applied");
    expect(s.run("kubectl get crd nginxproxies.gateway.nginx.org -o jsonpath='{.metadata.annotations}'").output).toBe('{"controller-gen.kubebuilder.io/version":"v0.20.1"}');
  });

  it("runs the cert Job, whose TLS Secrets let the control plane start", () => {
    const s = installed.fork();
    expect(s.run("kubectl get secrets -n nginx-gateway").output).toMatch(/^NAME +TYPE +DATA +AGE\nagent-tls +kubernetes.io\/tls +3 +\d+s\nserver-tls +kubernetes.io\/tls +3 +\d+s\n$/);
    const pods = s.run("kubectl get pods -n nginx-gateway").output;
    expect(pods).toMatch(/\nnginx-gateway-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 /);
    expect(pods).toMatch(/\nnginx-gateway-cert-generator-[a-z0-9]{5} +0\/1 +Completed +0 /);
    expect(s.run("kubectl get secret server-tls -n nginx-gateway -o jsonpath='{.data}'").output).toMatch(/^\{"ca.crt":"[A-Za-z0-9+/=]+","tls.crt":"[A-Za-z0-9+/=]+","tls.key":"[A-Za-z0-9+/=]+"\}$/);
  });

  it("accepts GatewayClass nginx, saying the v1.4.1 CRDs are not the v1.5.1 it recommends", () => {
    const s = installed.fork();
    expect(s.run("kubectl get gatewayclass").output).toMatch(/^NAME +CONTROLLER +ACCEPTED +AGE\nnginx +gateway\.nginx\.org\/nginx-gateway-controller +True +\d+s\n$/);
    const conditions = JSON.parse(s.run("kubectl get gatewayclass nginx -o jsonpath='{.status.conditions}'").output) as Array<Record<string, unknown>>;
    expect(conditions.map(({ type, status, reason, message }) => ({ type, status, reason, message }))).toEqual([
      { type: "Accepted", status: "True", reason: "Accepted", message: "The GatewayClass is accepted" },
      { type: "SupportedVersion", status: "False", reason: "UnsupportedVersion", message: "The Gateway API CRD versions are not recommended. Recommended version is v1.5.1" },
      { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "The ParametersRef resource is resolved" },
    ]);
  });

  it("says the v1.5.1 CRDs it recommends are supported", () => {
    const start = Date.UTC(2026, 0, 1);
    const s = session(createSession({ seed: 3, now: start }), start);
    expect(s.run(`kubectl apply -f ${GATEWAY_API_151}`).exitCode).toBe(0);
    expect(s.run(`kubectl apply --server-side -f ${NGF}/crds.yaml`).exitCode).toBe(0);
    expect(s.run(`kubectl apply -f ${NGF}/default/deploy.yaml`).exitCode).toBe(0);
    s.wait(15);
    const conditions = JSON.parse(s.run("kubectl get gatewayclass nginx -o jsonpath='{.status.conditions}'").output) as Array<Record<string, unknown>>;
    expect(conditions.map(({ type, status, reason, message }) => ({ type, status, reason, message }))).toEqual([
      { type: "Accepted", status: "True", reason: "Accepted", message: "The GatewayClass is accepted" },
      { type: "SupportedVersion", status: "True", reason: "SupportedVersion", message: "The Gateway API CRD versions are supported" },
      { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "The ParametersRef resource is resolved" },
    ]);
  });

  it("leaves a GatewayClass of another controller Pending", () => {
    const s = installed.fork();
    s.run(apply("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: other\nspec:\n  controllerName: example.com/other\n"));
    s.wait(5);
    expect(s.run("kubectl get gatewayclass other -o jsonpath='{.status.conditions[0].reason}'").output).toBe("Pending");
  });
});

describe("a Gateway of class nginx", () => {
  it("gets its data plane <gateway>-nginx: a Deployment of NGF's nginx and a LoadBalancer Service with MetalLB's address", () => {
    const s = installed.fork();
    expect(s.run(apply(GATEWAY)).output).toBe("gateway.gateway.networking.k8s.io/cafe created\n");
    s.wait(10);
    expect(s.run("kubectl get gateway").output).toMatch(/^NAME +CLASS +ADDRESS +PROGRAMMED +AGE\ncafe +nginx +192\.168\.56\.200 +True +\d+s\n$/);
    expect(s.run("kubectl get svc cafe-nginx").output).toMatch(/\ncafe-nginx +LoadBalancer +10\.[0-9.]+ +192\.168\.56\.200 +80:3\d{4}\/TCP +\d+s\n$/);
    expect(s.run("kubectl get svc cafe-nginx -o jsonpath='{.spec.externalTrafficPolicy} {.spec.ports[0].name} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'").output).toBe("Local port-80 Gateway/cafe");
    expect(s.run("kubectl get deploy cafe-nginx -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.template.spec.serviceAccountName}'").output).toBe("ghcr.io/nginx/nginx-gateway-fabric/nginx:2.6.7 80 cafe-nginx");
    expect(s.run("kubectl get pods -l gateway.networking.k8s.io/gateway-name=cafe").output).toMatch(/\ncafe-nginx-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 /);
    const listener = JSON.parse(s.run("kubectl get gateway cafe -o jsonpath='{.status.listeners[0]}'").output) as { attachedRoutes: number; conditions: Array<{ type: string; status: string }>; supportedKinds: unknown };
    expect(listener.attachedRoutes).toBe(0);
    expect(listener.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(["Programmed=True", "Accepted=True", "ResolvedRefs=True", "Conflicted=False"]);
    expect(listener.supportedKinds).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }]);
  });

  it("is deprovisioned with its Gateway: the Deployment, Service, ServiceAccount and Secret go", () => {
    const s = installed.fork();
    s.run(apply(GATEWAY));
    s.wait(10);
    expect(s.run("kubectl get deploy,svc,sa,secret -o name").output).toContain("deployment.apps/cafe-nginx\n");
    s.run("kubectl delete gateway cafe");
    s.wait(5);
    expect(s.run("kubectl get deploy,svc,sa,secret -o name").output).toBe("service/kubernetes\nserviceaccount/default\n");
  });

  it("adds a listener's port to its Service and Deployment", () => {
    const s = installed.fork();
    s.run(apply(GATEWAY));
    s.wait(10);
    s.run(apply(`${GATEWAY}  - name: alt\n    port: 8080\n    protocol: HTTP\n`));
    s.wait(5);
    expect(s.run("kubectl get svc cafe-nginx -o jsonpath='{.spec.ports[*].name}'").output).toBe("port-80 port-8080");
    expect(s.run("kubectl get deploy cafe-nginx -o jsonpath='{.spec.template.spec.containers[0].ports[*].containerPort}'").output).toBe("80 8080");
  });
});

describe("HTTPRoute status", () => {
  const route = (name: string, spec: string) => `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
  const conditions = (s: Session, name: string) =>
    (JSON.parse(s.run(`kubectl get httproute ${name} -o jsonpath='{.status.parents[0].conditions}'`).output) as Array<{ type: string; status: string; reason: string; message: string }>).map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`);

  let ready: Session;
  beforeAll(() => {
    ready = installed.fork();
    ready.run(apply(GATEWAY));
    ready.run("kubectl create deployment coffee --image=nginx");
    ready.run("kubectl expose deployment coffee --port=80");
    ready.wait(10);
  });

  it("an accepted route with resolved refs attaches to the listener", () => {
    const s = ready.fork();
    s.run(apply(route("coffee", "  parentRefs:\n  - name: cafe\n  hostnames: [cafe.example.com]\n  rules:\n  - backendRefs:\n    - name: coffee\n      port: 80\n")));
    s.wait(5);
    expect(conditions(s, "coffee")).toEqual(["Accepted=True Accepted: The Route is accepted", "ResolvedRefs=True ResolvedRefs: All references are resolved"]);
    expect(s.run("kubectl get httproute coffee -o jsonpath='{.status.parents[0].controllerName} {.status.parents[0].parentRef}'").output).toBe('gateway.nginx.org/nginx-gateway-controller {"group":"gateway.networking.k8s.io","kind":"Gateway","name":"cafe","namespace":"default"}');
    expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.listeners[0].attachedRoutes}'").output).toBe("1");
  });

  it("names the listener it cannot find, the host names that do not match, and backends that do not resolve", () => {
    const s = ready.fork();
    s.run(apply(route("section", "  parentRefs:\n  - name: cafe\n    sectionName: https\n  rules:\n  - backendRefs:\n    - name: missing\n      port: 80\n")));
    s.run(apply(route("host", "  parentRefs:\n  - name: cafe\n  hostnames: [shop.example.org]\n  rules:\n  - backendRefs:\n    - name: coffee\n      port: 80\n")));
    s.run(apply(route("kind", "  parentRefs:\n  - name: cafe\n  rules:\n  - backendRefs:\n    - name: coffee\n      kind: Pod\n      port: 80\n")));
    s.wait(5);
    // DeduplicateConditions keeps the last condition of each type, in their order: the attachment's failure comes last.
    expect(conditions(s, "section")).toEqual(['ResolvedRefs=False BackendNotFound: spec.rules[0].backendRefs[0].name: Not found: "missing"', "Accepted=False NoMatchingParent: The Listener is not found for this parent ref"]);
    expect(conditions(s, "host")).toEqual(["ResolvedRefs=True ResolvedRefs: All references are resolved", "Accepted=False NoMatchingListenerHostname: The Listener hostname does not match the Route hostnames"]);
    expect(conditions(s, "kind")[1]).toBe('ResolvedRefs=False InvalidKind: spec.rules[0].backendRefs[0].kind: Unsupported value: "Pod": supported values: "Service"');
    expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.listeners[0].attachedRoutes}'").output).toBe("1");
  });

  it("a backend in another namespace needs a ReferenceGrant there", () => {
    const s = ready.fork();
    s.run("kubectl create namespace tea");
    s.run("kubectl create deployment tea --image=nginx -n tea");
    s.run("kubectl expose deployment tea --port=80 -n tea");
    s.run(apply(route("tea", "  parentRefs:\n  - name: cafe\n  rules:\n  - backendRefs:\n    - name: tea\n      namespace: tea\n      port: 80\n")));
    s.wait(5);
    expect(conditions(s, "tea")[1]).toBe("ResolvedRefs=False RefNotPermitted: spec.rules[0].backendRefs[0].namespace: Forbidden: Backend ref to Service tea/tea not permitted by any ReferenceGrant");
    s.run(apply("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: cafe-routes\n  namespace: tea\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: default\n  to:\n  - group: \"\"\n    kind: Service\n"));
    s.wait(5);
    expect(conditions(s, "tea")[1]).toBe("ResolvedRefs=True ResolvedRefs: All references are resolved");
  });
});

describe("GRPCRoute status", () => {
  const grpcRoute = (name: string, rules: string) => `apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata:\n  name: ${name}\nspec:\n  parentRefs:\n  - name: cafe\n  rules:\n${rules}`;
  const conditions = (s: Session, name: string) =>
    (JSON.parse(s.run(`kubectl get grpcroute ${name} -o jsonpath='{.status.parents[0].conditions}'`).output) as Array<{ type: string; status: string; reason: string; message: string }>).map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`);

  let ready: Session;
  beforeAll(() => {
    ready = installed.fork();
    ready.run(apply(GATEWAY));
    ready.run("kubectl create deployment grpc-echo --image=nginx");
    ready.run("kubectl expose deployment grpc-echo --port=9000 --target-port=80");
    ready.wait(10);
  });

  it("is accepted on an HTTP listener and counts in its attachedRoutes", () => {
    const s = ready.fork();
    s.run(apply(grpcRoute("echo", "  - matches:\n    - method: {service: echo.Echo, method: Say}\n    backendRefs: [{name: grpc-echo, port: 9000}]\n")));
    s.wait(5);
    expect(conditions(s, "echo")).toEqual(["Accepted=True Accepted: The Route is accepted", "ResolvedRefs=True ResolvedRefs: All references are resolved"]);
    expect(s.run("kubectl get gateway cafe -o jsonpath='{.status.listeners[0].attachedRoutes}'").output).toBe("1");
    expect(s.run("kubectl get grpcroute").output).toMatch(/^NAME\s+HOSTNAMES\s+AGE\necho\s+\s+\d+s\n$/);
  });

  it("drops rules whose method match NGF cannot serve: a RegularExpression type, or no method", () => {
    const s = ready.fork();
    s.run(apply(grpcRoute("regex", "  - matches:\n    - method: {type: RegularExpression, service: 'echo\\..*', method: Say}\n    backendRefs: [{name: grpc-echo, port: 9000}]\n")));
    s.run(apply(grpcRoute("partial", "  - matches:\n    - method: {service: echo.Echo}\n    backendRefs: [{name: grpc-echo, port: 9000}]\n  - matches:\n    - method: {service: echo.Echo, method: Say}\n    backendRefs: [{name: grpc-echo, port: 9000}]\n")));
    s.wait(5);
    expect(conditions(s, "regex")).toEqual(["ResolvedRefs=True ResolvedRefs: All references are resolved", 'Accepted=False UnsupportedValue: All rules are invalid: spec.rules[0].matches[0].method.type: Unsupported value: "RegularExpression": supported values: "Exact"']);
    expect(conditions(s, "partial")).toEqual([
      "Accepted=True Accepted: The Route is accepted",
      "ResolvedRefs=True ResolvedRefs: All references are resolved",
      "PartiallyInvalid=True UnsupportedValue: Dropped Rule(s): spec.rules[0].matches[0].method.method: Required value: method is required",
    ]);
  });

  it("says which rule fields it ignores (a rule name), still accepting the route", () => {
    const s = ready.fork();
    s.run(apply(grpcRoute("named", "  - name: say\n    backendRefs: [{name: grpc-echo, port: 9000}]\n")));
    s.wait(5);
    expect(conditions(s, "named")).toEqual(["ResolvedRefs=True ResolvedRefs: All references are resolved", "Accepted=True UnsupportedField: The following unsupported parameters were ignored: spec.rules[0].name: Forbidden: Name"]);
  });
});

describe("listener checks (graph/gateway_listener.go)", () => {
  const listenerConditions = (s: Session, i: number) =>
    (JSON.parse(s.run(`kubectl get gateway edge -o jsonpath='{.status.listeners[${i}]}'`).output) as { conditions: Array<Record<string, string>>; supportedKinds: unknown[] });
  const gateway = (listeners: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
spec:
  gatewayClassName: nginx
  listeners:
  - name: http
    port: 80
    protocol: HTTP
${listeners}`;

  it("takes the three nginx.org TLS options; another key or a value nginx refuses makes the HTTPS listener UnsupportedValue", () => {
    const s = installed.fork();
    expect(s.run(apply(gateway("  - name: https\n    port: 443\n    protocol: HTTPS\n    tls:\n      certificateRefs: [{name: cafe-tls}]\n      options:\n        nginx.org/ssl-protocols: TLSv1.2 TLSv1.4\n        example.com/hsts: 'on'\n        nginx.org/ssl-ciphers: 'HIGH:!aNULL MD5'\n        nginx.org/ssl-prefer-server-ciphers: 'yes'\n"))).exitCode).toBe(0);
    s.wait(10);
    const https = listenerConditions(s, 1);
    // DeduplicateConditions keeps the last of each type: the option checked last.
    expect(https.conditions.map(({ type, status, reason, message }) => `${type}=${status} ${reason}: ${message}`)).toEqual([
      'Accepted=False UnsupportedValue: tls.options[nginx.org/ssl-prefer-server-ciphers]: Unsupported value: "yes": supported values: "on", "off"',
      'Programmed=False Invalid: tls.options[nginx.org/ssl-prefer-server-ciphers]: Unsupported value: "yes": supported values: "on", "off"',
    ]);
    expect(s.run("kubectl get gateway edge -o jsonpath='{.status.conditions[?(@.type==\"Accepted\")].reason}'").output).toBe("ListenersNotValid");
    s.run(apply(gateway("  - name: https\n    port: 443\n    protocol: HTTPS\n    tls:\n      certificateRefs: [{name: cafe-tls}]\n      options:\n        nginx.org/ssl-protocols: TLSv1.2 TLSv1.4\n")));
    s.wait(5);
    expect(listenerConditions(s, 1).conditions[0].message).toBe('tls.options[nginx.org/ssl-protocols]: Unsupported value: "TLSv1.4": supported values: "SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"');
    s.run(apply(gateway("  - name: https\n    port: 443\n    protocol: HTTPS\n    tls:\n      certificateRefs: [{name: cafe-tls}]\n      options:\n        nginx.org/ssl-ciphers: 'HIGH:!aNULL MD5'\n")));
    s.wait(5);
    expect(listenerConditions(s, 1).conditions[0].message).toBe('tls.options[nginx.org/ssl-ciphers]: Invalid value: "HIGH:!aNULL MD5": invalid ssl ciphers');
    // Valid options pass to the Secret check (the Secret does not exist here).
    s.run(apply(gateway("  - name: https\n    port: 443\n    protocol: HTTPS\n    tls:\n      certificateRefs: [{name: cafe-tls}]\n      options:\n        nginx.org/ssl-protocols: TLSv1.2 TLSv1.3\n        nginx.org/ssl-ciphers: 'HIGH:!aNULL:!MD5'\n")));
    s.wait(5);
    expect(listenerConditions(s, 1).conditions.map((c) => `${c.type}=${c.reason}`)).toEqual(["Accepted=InvalidCertificateRef", "ResolvedRefs=InvalidCertificateRef", "Programmed=Invalid"]);
  });

  it("passes TLS through to TLSRoutes on a TLS listener in Passthrough mode only", () => {
    const s = installed.fork();
    s.run(apply(gateway("  - name: tls\n    port: 8443\n    protocol: TLS\n    hostname: app.example.com\n    tls:\n      mode: Passthrough\n  - name: tls-terminate\n    port: 9443\n    protocol: TLS\n    tls:\n      certificateRefs: [{name: cafe-tls}]\n")));
    s.wait(10);
    const passthrough = listenerConditions(s, 1);
    expect(passthrough.supportedKinds).toEqual([{ group: "gateway.networking.k8s.io", kind: "TLSRoute" }]);
    expect(passthrough.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(["Programmed=True", "Accepted=True", "ResolvedRefs=True", "Conflicted=False"]);
    // The CRD defaults tls.mode to Terminate, which NGF does not do for protocol TLS.
    const terminate = listenerConditions(s, 2);
    expect(terminate.supportedKinds).toEqual([]);
    expect(terminate.conditions.map(({ type, status, reason, message }) => `${type}=${status} ${reason}: ${message}`)).toEqual([
      "Accepted=False UnsupportedValue: TLS.Mode: Required value: Mode must be passthrough for TLS listener",
      "Programmed=False Invalid: TLS.Mode: Required value: Mode must be passthrough for TLS listener",
    ]);
  });

  it("refuses a protocol it does not implement and a route kind the protocol does not take", () => {
    const s = installed.fork();
    s.run(apply(gateway("  - name: custom\n    port: 7000\n    protocol: example.com/PROXY\n  - name: only-tls\n    port: 8080\n    protocol: HTTP\n    allowedRoutes:\n      kinds:\n      - kind: TLSRoute\n      - kind: HTTPRoute\n")));
    s.wait(10);
    expect(listenerConditions(s, 1).conditions.map(({ type, reason, message }) => `${type} ${reason}: ${message}`)).toEqual([
      'Accepted UnsupportedProtocol: protocol: Unsupported value: "example.com/PROXY": supported values: "HTTP", "HTTPS", "TLS", "TCP", "UDP"',
      'Programmed Invalid: protocol: Unsupported value: "example.com/PROXY": supported values: "HTTP", "HTTPS", "TLS", "TCP", "UDP"',
    ]);
    const onlyTls = listenerConditions(s, 2);
    expect(onlyTls.supportedKinds).toEqual([{ kind: "HTTPRoute", group: "gateway.networking.k8s.io" }]);
    expect(onlyTls.conditions.map(({ type, reason, message }) => `${type} ${reason}: ${message}`)).toEqual([
      'ResolvedRefs InvalidRouteKinds: Unsupported route kind for protocol HTTP "gateway.networking.k8s.io/TLSRoute"',
      'Programmed Invalid: Unsupported route kind for protocol HTTP "gateway.networking.k8s.io/TLSRoute"',
    ]);
  });
});
