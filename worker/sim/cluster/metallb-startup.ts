// What MetalLB's controller does at start when run from its native manifest (controller/main.go at
// v0.15.x): it creates the memberlist Secret the speakers mount (internal/k8s CreateMlSecret: 16
// random bytes in unpadded base64 under `secretkey`, owned by the controller Deployment), and its
// cert rotator (open-policy-agent/cert-controller, internal/k8s/webhook.go) fills the webhook
// Secret with a CA and a serving certificate for metallb-webhook-service.<ns>.svc and writes that
// CA into the ValidatingWebhookConfiguration's caBundle.
//
// The rotator's certificates here are tls/x509.ts's ECDSA ones (webhook-certgen.ts generateCerts),
// not cert-controller's RSA "O=metallb, CN=cert"; what a learner can see of them (the Secret's
// keys, a caBundle that verifies the served certificate) is the same. The metallb profile's
// hand-built controller (bootstrap.ts) mounts no cert directory and does none of this.

import { encodeBase64Bytes, utf8Bytes } from "../base64.ts";
import type { Random } from "../random.ts";
import { createObject, getObject, updateObject } from "./api-server.ts";
import { manifestController } from "./metallb-webhook.ts";
import { podLabelIndex } from "./store.ts";
import type { Tx } from "./tx.ts";
import type { Container, SubmittedObject } from "./types.ts";
import { generateCerts } from "./webhook-certgen.ts";

/** controller/main.go's flag defaults. */
const WEBHOOK_SECRET = "metallb-webhook-cert";
const CERT_SERVICE = "metallb-webhook-service";
const WEBHOOK_CONFIGURATION = "metallb-webhook-configuration";

const envValue = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value ?? undefined;

const b64 = (text: string): string => encodeBase64Bytes(utf8Bytes(text));

/** The controller's start-up writes, for each running controller that has not made them yet. */
export function metallbControllerStartup(tx: Tx, ctx: { now: number; random: Random }): void {
  // Where the manifest was applied (its webhook Secret is there), the pods labelled as its controller.
  const secrets = tx.state.objects?.secrets;
  if (!secrets) return;
  for (const namespace in tx.state.namespaces) {
    if (!Object.hasOwn(secrets, `${namespace}/${WEBHOOK_SECRET}`)) continue;
    for (const key of podLabelIndex(tx.state).podsWith(namespace, "component", "controller")) {
      const pod = tx.state.pods[key];
      const container = pod ? manifestController(pod) : undefined;
      if (container) controllerStarted(tx, ctx, namespace, container);
    }
  }
}

/** What one running controller writes once: the memberlist Secret, the webhook certificate and caBundle. */
function controllerStarted(tx: Tx, ctx: { now: number; random: Random }, namespace: string, container: Container): void {
  const mlSecret = envValue(container, "METALLB_ML_SECRET_NAME");
  const deployName = envValue(container, "METALLB_DEPLOYMENT");
  if (mlSecret && deployName && !getObject(tx.state, "secrets", namespace, mlSecret).ok) {
    const deployment = getObject(tx.state, "deployments", namespace, deployName);
    if (deployment.ok) {
      const secret = encodeBase64Bytes(Array.from({ length: 16 }, () => ctx.random.int(256))).replace(/=+$/, "");
      const ownerReferences = [{ apiVersion: "apps/v1", kind: "Deployment", name: deployName, uid: deployment.value.metadata.uid }];
      createObject(tx, { apiVersion: "v1", kind: "Secret", metadata: { name: mlSecret, namespace, ownerReferences }, data: { secretkey: b64(secret) } } as SubmittedObject, ctx);
    }
  }
  const webhookSecret = getObject(tx.state, "secrets", namespace, WEBHOOK_SECRET);
  if (webhookSecret.ok && (webhookSecret.value as { data?: Record<string, string> }).data?.["tls.crt"] === undefined) {
    const certs = generateCerts(`${CERT_SERVICE}.${namespace}.svc`, ctx.now, ctx.random);
    const data = { "ca.crt": b64(certs.ca), "tls.crt": b64(certs.cert), "tls.key": b64(certs.key) };
    updateObject(tx, { ...(webhookSecret.value as SubmittedObject), data } as SubmittedObject, ctx);
    const config = getObject(tx.state, "validatingwebhookconfigurations", undefined, WEBHOOK_CONFIGURATION);
    if (config.ok) {
      const copy = JSON.parse(JSON.stringify(config.value)) as { webhooks?: Array<{ clientConfig?: Record<string, unknown> }> };
      for (const hook of copy.webhooks ?? []) hook.clientConfig = { ...hook.clientConfig, caBundle: data["ca.crt"] };
      updateObject(tx, copy as unknown as SubmittedObject, ctx);
    }
  }
}
