// kube-webhook-certgen as ingress-nginx's admission Jobs run it: `create` stores the certificates
// once, `patch` fails until they exist and then copies the CA into the webhook configuration.

import { describe, expect, it } from "vitest";
import { createSession, execute, type SessionState } from "../../../worker/sim/engine.ts";
import { runWebhookCertgen } from "../../../worker/sim/cluster/webhook-certgen.ts";
import { Tx } from "../../../worker/sim/cluster/tx.ts";
import { createRandom } from "../../../worker/sim/random.ts";
import { certificatesIn, signedBy } from "../../../worker/sim/tls/x509.ts";
import type { Container, Pod } from "../../../worker/sim/cluster/types.ts";

const IMAGE = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd";
const NS_ENV = [{ name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }];
const CREATE: Container = { name: "create", image: IMAGE, args: ["create", "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc", "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"], env: NS_ENV } as Container;
const PATCH: Container = { name: "patch", image: IMAGE, args: ["patch", "--webhook-name=ingress-nginx-admission", "--namespace=$(POD_NAMESPACE)", "--patch-mutating=false", "--secret-name=ingress-nginx-admission", "--patch-failure-policy=Fail"], env: NS_ENV } as Container;

function cluster(): SessionState {
  const now = Date.UTC(2026, 0, 1);
  let state = createSession({ seed: 4, now });
  state = execute(state, "kubectl create namespace ingress-nginx", { now: now + 1000 }).state;
  state = execute(state, `kubectl apply -f - <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: ingress-nginx-admission
webhooks:
- admissionReviewVersions: [v1]
  clientConfig:
    service: {name: ingress-nginx-controller-admission, namespace: ingress-nginx, path: /networking/v1/ingresses, port: 443}
  failurePolicy: Ignore
  name: validate.nginx.ingress.kubernetes.io
  sideEffects: None
EOF`, { now: now + 2000 }).state;
  return state;
}

function pod(container: Container): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: `certgen-${container.name}`, namespace: "ingress-nginx" }, spec: { containers: [container] }, status: {} } as unknown as Pod;
}

const at = Date.UTC(2026, 0, 1, 0, 1, 0);

describe("kube-webhook-certgen", () => {
  it("patch before create fails with the words of cmd/patch.go, so its Job's pod restarts", () => {
    const tx = new Tx(cluster().cluster);
    const run = runWebhookCertgen(tx, createRandom(1), at, pod(PATCH), PATCH);
    expect(run.exitCode).toBe(1);
    expect(run.output).toBe(
      `{"err":"secrets \\"ingress-nginx-admission\\" not found","level":"info","msg":"no secret found","source":"k8s/k8s.go:229","time":"2026-01-01T00:01:00Z"}\n` +
        `{"level":"fatal","msg":"no secret with 'ingress-nginx-admission' in 'ingress-nginx'","source":"cmd/patch.go:106","time":"2026-01-01T00:01:00Z"}\n`,
    );
  });

  it("create stores ca, cert and key once; patch then puts the CA in the caBundle and sets failurePolicy", () => {
    const tx = new Tx(cluster().cluster);
    const random = createRandom(1);
    const created = runWebhookCertgen(tx, random, at, pod(CREATE), CREATE);
    expect(created.exitCode).toBe(0);
    expect(created.output).toContain(`"msg":"creating new secret","source":"cmd/create.go:28"`);
    const secret = tx.state.objects?.secrets?.["ingress-nginx/ingress-nginx-admission"] as { data: Record<string, string> } | undefined;
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual(["ca", "cert", "key"]);
    // Certificates for the --host names, the serving one signed by the CA (test/sim/tls/certgen-certificates.test.ts has the fields).
    const [ca] = certificatesIn(atob(secret!.data.ca));
    const [cert] = certificatesIn(atob(secret!.data.cert));
    expect(cert.altNames.map((n) => n.value)).toEqual(["ingress-nginx-controller-admission", "ingress-nginx-controller-admission.ingress-nginx.svc"]);
    expect(signedBy(cert, ca)).toBe(true);
    expect(atob(secret!.data.key)).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);

    const again = runWebhookCertgen(tx, random, at + 1000, pod(CREATE), CREATE);
    expect(again).toEqual({ exitCode: 0, output: `{"level":"info","msg":"secret already exists","source":"cmd/create.go:33","time":"2026-01-01T00:01:01Z"}\n` });

    const patched = runWebhookCertgen(tx, random, at + 2000, pod(PATCH), PATCH);
    expect(patched.exitCode).toBe(0);
    expect(patched.output).toBe(
      `{"level":"info","msg":"patching webhook configurations 'ingress-nginx-admission' mutating=false, validating=true, failurePolicy=Fail","source":"k8s/k8s.go:118","time":"2026-01-01T00:01:02Z"}\n` +
        `{"level":"info","msg":"Patched hook(s)","source":"k8s/k8s.go:138","time":"2026-01-01T00:01:02Z"}\n`,
    );
    const hook = (tx.state.objects?.validatingwebhookconfigurations?.["ingress-nginx-admission"] as unknown as { webhooks: Array<{ clientConfig: { caBundle?: string }; failurePolicy: string }> }).webhooks[0];
    expect(hook.clientConfig.caBundle).toBe(secret!.data.ca);
    expect(hook.failurePolicy).toBe("Fail");
  });
});
