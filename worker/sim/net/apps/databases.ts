// Servers that do not speak HTTP. What an HTTP client gets from them is what real ones send.

import type { App } from "./types.ts";

/** redis reads "GET / HTTP/1.1" as an inline command, then sees "Host:" and drops the client as a
 *  cross-protocol attack ("Possible SECURITY ATTACK detected"); the client reads nothing. */
export const redis: App = () => ({
  reply: { kind: "closed", note: "redis took the request for a cross-protocol attack (it saw a Host: line) and closed the connection without a reply." },
});

/** postgres expects a startup packet; an HTTP request is an invalid length, so it closes. */
export const postgres: App = () => ({
  reply: { kind: "closed", note: "postgres read the HTTP request as a startup packet with an invalid length and closed the connection." },
});

/** mysql speaks first: a protocol-10 handshake packet, binary, before reading anything. */
export const mysql: App = () => ({
  reply: {
    kind: "banner",
    bytes: "J\u0000\u0000\u0000\n8.4.7\u0000",
    note: "mysql sent its binary handshake greeting (protocol 10), which is not an HTTP response.",
  },
});

/** mariadb greets first too: protocol 10, its version string ("5.5.5-" prefixed for old clients); the
 *  packet is mysql's length plus the longer version (both name a 21-character auth plugin). */
export const mariadb: App = () => ({
  reply: {
    kind: "banner",
    bytes: "a\u0000\u0000\u0000\n5.5.5-11.8.8-MariaDB-ubu2404\u0000",
    note: "mariadb sent its binary handshake greeting (protocol 10), which is not an HTTP response.",
  },
});

/** sshd on every node greets first with its version line. */
export const sshd: App = () => ({
  reply: { kind: "banner", bytes: "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.14\r\n", note: "sshd sent its SSH version line, which is not an HTTP response." },
});

/** A Go TLS server (kube-apiserver, kubelet) given plain HTTP answers a canned 400. */
export const tlsOnly: App = () => ({
  reply: {
    kind: "http",
    version: "HTTP/1.0",
    status: 400,
    reason: "Bad Request",
    headers: [],
    body: "Client sent an HTTP request to an HTTPS server.\n",
  },
});
