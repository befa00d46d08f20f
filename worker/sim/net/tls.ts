// Which certificate a TLS listener presents, and which application protocol it agrees to (ALPN):
// - nginx (the official image) on a port its /etc/nginx/conf.d files `listen ... ssl` on, with
//   the `ssl_certificate` file of that server (the connect-applications-service tutorial mounts a
//   kubernetes.io/tls Secret there); nginx agrees to http/1.1 unless the listen says http2.
// - ingress-nginx on its https port: the certificate of the Ingress `tls` section naming the
//   requested host (SNI), from its Secret, if the certificate is valid for that host; otherwise the
//   controller's self-signed fake certificate (internal/net/ssl/ssl.go GetFakeSSLCert: O=Acme Co,
//   CN=Kubernetes Ingress Controller Fake Certificate, DNS:ingress.local, a year from the
//   controller's start), as the controller does (controller.go createServers logs "Using default
//   certificate"). HTTP/2 is on by default (use-http2), so it agrees to h2.
// - NGINX Gateway Fabric's data plane on an HTTPS listener's port: the server of the requested host
//   (SNI) among the Gateway's routes there, with the certificate of the listener it came through
//   (the first Secret of its certificateRefs); a host with no server, or no SNI (curl to an IP
//   address sends none), reaches the default server, whose `ssl_reject_handshake on` refuses it.
//   NGF turns `http2 on` by default, so it agrees to h2.

import { servedByIngressNginx } from "../cluster/ingress-nginx-status.ts";
import { checkListener, gatewayOfDataPlane, listenersOfGateway } from "../cluster/nginx-gateway-fabric.ts";
import type { ClusterState, Pod } from "../cluster/types.ts";
import type { Ingress } from "../kinds/ingress.ts";
import { secretValue, type Secret } from "../kinds/secret.ts";
import { createRandom } from "../random.ts";
import { certificatesIn, generateKey, issue, type Certificate } from "../tls/x509.ts";
import type { Listener } from "./apps/listeners.ts";
import { sslListens } from "./apps/nginx-conf.ts";
import { gatewayTable, serverFor } from "./gateway.ts";
import { sha256 } from "./sha256.ts";

export interface TlsServer {
  /** The certificates the server sends, its own first. */
  chain: Certificate[];
  /** The protocol it picks from curl's offer (h2,http/1.1). */
  alpn: "h2" | "http/1.1";
  /** The certificate and where it came from, for the trace. */
  source: string;
  /** The server refuses the handshake (nginx's ssl_reject_handshake): no certificate, an alert. */
  rejected?: true;
}

export const FAKE_SUBJECT = [["O", "Acme Co"], ["CN", "Kubernetes Ingress Controller Fake Certificate"]] as const;

/** A file as the serving container sees it. */
export type ReadFile = (path: string) => string | undefined;

/** Whether a certificate is valid for `host`: its DNS names (one `*.` label), IP addresses, else its CN when it has no names. */
export function certificateMatches(cert: Certificate, host: string): { ok: true; name: string; by: "san" | "cn" } | { ok: false } {
  const h = host.toLowerCase();
  const match = (pattern: string) => {
    const p = pattern.toLowerCase();
    if (p === h) return true;
    if (!p.startsWith("*.")) return false;
    const dot = h.indexOf(".");
    return dot > 0 && h.slice(dot) === p.slice(1);
  };
  if (cert.altNames.length) {
    const isIP = /^\d+\.\d+\.\d+\.\d+$/.test(host);
    const name = cert.altNames.find((n) => (isIP ? n.kind === "IP" && n.value === host : n.kind === "DNS" && match(n.value)));
    return name ? { ok: true, name: name.value, by: "san" } : { ok: false };
  }
  const cn = cert.subject.find(([t]) => t === "CN")?.[1];
  return cn !== undefined && match(cn) ? { ok: true, name: cn, by: "cn" } : { ok: false };
}

/** The TLS side of the process listening on `port`, or undefined when it speaks plain TCP there. */
export function tlsServerOf(state: ClusterState, listener: Listener, port: number, sni: string, read: ReadFile): TlsServer | undefined {
  if (listener.server === "nginx" && listener.pod && listener.container) {
    const listen = sslListens(state, listener.pod, listener.container).find((l) => l.port === port);
    if (!listen) return undefined;
    const chain = listen.certificate ? certificatesIn(read(listen.certificate) ?? "") : [];
    return chain.length ? { chain, alpn: listen.http2 ? "h2" : "http/1.1", source: `ssl_certificate ${listen.certificate}` } : undefined;
  }
  if (listener.server === "ingress-nginx" && listener.pod) {
    const spec = listener.pod.spec.containers.find((c) => c.name === listener.container);
    const https = spec?.ports?.find((p) => p.name === "https")?.containerPort ?? 443;
    if (port !== https) return undefined;
    return ingressCertificate(state, listener.pod, sni);
  }
  if (listener.server === "ngf-nginx" && listener.pod) return gatewayCertificate(state, listener.pod, port, sni);
  return undefined;
}

function gatewayCertificate(state: ClusterState, pod: Pod, port: number, sni: string): TlsServer | undefined {
  const gateway = gatewayOfDataPlane(state, pod);
  if (!gateway) return undefined;
  const https = listenersOfGateway(gateway).filter((l) => l.port === port && l.protocol === "HTTPS");
  if (https.length === 0) return undefined;
  const reject = (why: string): TlsServer => ({ chain: [], alpn: "h2", source: why, rejected: true });
  // An IP address is not a server name: curl sends no SNI for it.
  const host = /^[\d.]+$|:/.test(sni) ? "" : sni.toLowerCase();
  if (!host) return reject("the default server (the client sent no server name), which rejects the handshake (ssl_reject_handshake on)");
  const found = serverFor(gatewayTable(state, gateway, port), host);
  const through = found?.entries.find((e) => https.some((l) => l.name === e.listener));
  const listener = through && https.find((l) => l.name === through.listener);
  const secret = listener && checkListener(state, gateway, listener).secrets[0];
  if (!listener || !secret) return reject(`the default server (no HTTPS server of Gateway ${gateway.metadata.namespace}/${gateway.metadata.name} on port ${port} for "${host}"), which rejects the handshake (ssl_reject_handshake on)`);
  const chain = certificatesIn(secretValue(secret, "tls.crt") ?? "");
  return { chain, alpn: "h2", source: `Secret ${secret.metadata.namespace}/${secret.metadata.name} of listener ${listener.name}` };
}

function ingressCertificate(state: ClusterState, pod: Pod, sni: string): TlsServer {
  const host = sni.toLowerCase();
  const ingresses = Object.values((state.objects?.ingresses ?? {}) as Record<string, Ingress>).filter((ing) => servedByIngressNginx(state, ing, "nginx"));
  ingresses.sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
  for (const ing of ingresses) {
    const namespace = ing.metadata.namespace ?? "default";
    for (const tls of ing.spec.tls ?? []) {
      if (!(tls.hosts ?? []).some((h) => h.toLowerCase() === host) || !tls.secretName) continue;
      const secret = state.objects?.secrets?.[`${namespace}/${tls.secretName}`] as Secret | undefined;
      const chain = secret ? certificatesIn(secretValue(secret, "tls.crt") ?? "") : [];
      if (chain.length && certificateMatches(chain[0], host).ok) return { chain, alpn: "h2", source: `Secret ${namespace}/${tls.secretName} of Ingress ${namespace}/${ing.metadata.name}` };
    }
  }
  return { chain: [fakeCertificate(pod)], alpn: "h2", source: "the controller's default fake certificate (no Ingress tls section with a valid certificate names this host)" };
}

const fakes = new Map<string, Certificate>();

/** The controller's fake certificate: made when it starts, so one per controller pod (the same on every replay). */
function fakeCertificate(pod: Pod): Certificate {
  const started = pod.status.containerStatuses?.find((s) => s.state.running)?.state.running?.startedAt ?? pod.metadata.creationTimestamp;
  const key = `${pod.metadata.uid}|${started}`;
  const cached = fakes.get(key);
  if (cached) return cached;
  const digest = sha256(key);
  const random = createRandom((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]);
  const serial = Array.from({ length: 16 }, () => random.int(256));
  serial[0] &= 0x7f;
  const notBefore = Math.floor(Date.parse(started) / 1000) * 1000;
  const { certificate } = issue({ go: true, serial, subject: FAKE_SUBJECT, notBefore, notAfter: notBefore + 365 * 86400000, key: generateKey(random), altNames: [{ kind: "DNS", value: "ingress.local" }], serverAuth: true });
  if (fakes.size > 64) fakes.clear();
  fakes.set(key, certificate);
  return certificate;
}
