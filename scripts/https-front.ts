// `npm start`'s second address: https in front of the same server, with a self-signed certificate
// made at start. kubectl (client-go) sends a kubeconfig's bearer token only over TLS
// (kubernetes/kubectl#744), so against the plain http address even the editor's kubeconfig reads
// as system:anonymous and cannot write; over this address it writes, as it does against a
// deployment on Cloudflare (https). Requests are passed on to the http server as they are, bodies
// and answers streamed (watches, logs), WebSocket upgrades included (exec), with
// `X-Forwarded-Proto: https` so the Worker names this origin in the kubeconfigs it writes.

import { request as httpRequest, type IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import { connect } from "node:net";
import { generate } from "selfsigned";

export interface HttpsFront {
  server: Server;
  /** The certificate (PEM), for clients that would rather trust it than skip verification. */
  cert: string;
}

/** A certificate for the loopback names, valid a year: nobody trusts it; clients skip verification. */
async function loopbackCertificate(ip: string): Promise<{ key: string; cert: string }> {
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "kube-service-playground" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, ...(ip === "127.0.0.1" ? [] : [{ type: 7 as const, ip }])] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The request's head as the upstream gets it: the client's headers plus X-Forwarded-Proto. */
function forwardedHeaders(incoming: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i];
    const value = incoming.rawHeaders[i + 1];
    if (name.toLowerCase() === "x-forwarded-proto") continue;
    const existing = headers[name];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  headers["X-Forwarded-Proto"] = "https";
  return headers;
}

export async function startHttpsFront(options: { ip: string; port: number; upstreamPort: number }): Promise<HttpsFront> {
  const { key, cert } = await loopbackCertificate(options.ip);
  const server = createServer({ key, cert }, (incoming, outgoing) => {
    const upstream = httpRequest(
      { host: options.ip, port: options.upstreamPort, method: incoming.method, path: incoming.url, headers: forwardedHeaders(incoming) },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        // Streamed answers (watch, logs -f) go out as they come.
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "Content-Type": "text/plain" });
      outgoing.end("the playground's server did not answer\n");
    });
    outgoing.on("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  // WebSocket upgrades (pods/exec, the page's live socket): the head is written again with the
  // forwarded header, then both sockets are joined byte for byte.
  server.on("upgrade", (incoming: IncomingMessage, socket, head: Buffer) => {
    const upstream = connect(options.upstreamPort, options.ip, () => {
      const headers = forwardedHeaders(incoming);
      let text = `${incoming.method} ${incoming.url} HTTP/1.1\r\n`;
      for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
      upstream.write(text + "\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on("error", close);
    socket.on("error", close);
    upstream.on("close", close);
    socket.on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.ip, () => resolve());
  });
  return { server, cert };
}
