// pods/portforward's stream protocol, the server end (the kubelet's, pkg/kubelet/cri/streaming/
// portforward/httpstream.go, reached through the API server's tunnel): kubectl opens, per local
// connection, an error stream and a data stream with the same `requestid` header and the pod's
// `port`; the kubelet answers each SYN_STREAM with an empty SYN_REPLY, dials the port when the pair
// is complete, and copies bytes both ways. Here the bytes on a data stream are HTTP/1.1: each
// request is answered by the simulated process that listens (hooks.request), keep-alive included.

import type { HttpRequest, Reply } from "../net/http.ts";
import { keepsAlive, parseRequests, responseBytes } from "../net/http-wire.ts";
import { utf8Bytes } from "../base64.ts";
import { FLAG_FIN, headerValue, RST_PROTOCOL_ERROR, type SpdyFrame, SpdyProtocolError, SpdyReader, SpdyWriter } from "./spdy.ts";

/** The WebSocket subprotocol kubectl 1.31+ asks for: SPDY/3.1 frames tunnelled in binary messages. */
export const PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

/** Forwarded connections one tunnel holds open at once (kubectl opens one per local connection). */
export const MAX_FORWARDED_CONNECTIONS = 32;

/** The largest DATA frame sent: responses go out in pieces of this size. */
const DATA_CHUNK = 32 * 1024;

/** What the session does for the protocol: the kubelet's dial, and one request's exchange. */
export interface PortForwardHooks {
  /** The dial when a stream pair is complete: undefined when something listens, else the kubelet's error message. */
  dial(port: number): string | undefined;
  /** One request over the connection: the process's reply, or the kubelet's error when the tunnel broke. */
  request(port: number, request: HttpRequest): { kind: "reply"; reply: Reply } | { kind: "failed"; message: string };
}

interface StreamPair {
  requestId: string;
  error?: number;
  data?: number;
  port?: number;
  /** Request bytes not yet a whole request. */
  pending: Uint8Array;
  /** Dialled and carrying bytes; false once either end closed it. */
  open: boolean;
}

/** What one call produced: bytes for the client (one binary message each), and whether the tunnel is over. */
export interface TunnelOutput {
  send: Uint8Array[];
  closed: boolean;
}

export class PortForwardServer {
  private readonly reader = new SpdyReader();
  private readonly writer = new SpdyWriter();
  private readonly pairs = new Map<string, StreamPair>();
  private readonly byStream = new Map<number, StreamPair>();
  private closed = false;

  constructor(private readonly hooks: PortForwardHooks) {}

  /** Bytes of the SPDY connection from the client (a WebSocket message's payload). */
  receive(bytes: Uint8Array): TunnelOutput {
    const out: TunnelOutput = { send: [], closed: false };
    if (this.closed) return { send: [], closed: true };
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(bytes);
    } catch (error) {
      if (!(error instanceof SpdyProtocolError)) throw error;
      // spdystream answers a connection it cannot parse by going away.
      out.send.push(this.writer.write({ type: "goaway", lastGoodStreamId: 0, status: RST_PROTOCOL_ERROR }));
      this.closed = true;
      out.closed = true;
      return out;
    }
    for (const frame of frames) this.frame(frame, out);
    return out;
  }

  /** Open forwarded connections (for the session's limits and its transcript). */
  get connections(): number {
    let n = 0;
    for (const pair of this.pairs.values()) if (pair.open) n++;
    return n;
  }

  private frame(frame: SpdyFrame, out: TunnelOutput): void {
    const write = (f: SpdyFrame) => out.send.push(this.writer.write(f));
    switch (frame.type) {
      case "ping":
        // The client pings every 10 s (tunneling_dialer.go PingPeriod); the server echoes the id.
        write({ type: "ping", id: frame.id });
        return;
      case "goaway":
        this.closed = true;
        out.closed = true;
        return;
      case "syn_stream":
        this.stream(frame, out);
        return;
      case "rst_stream": {
        const pair = this.byStream.get(frame.streamId);
        if (pair) this.forget(pair);
        return;
      }
      case "data": {
        const pair = this.byStream.get(frame.streamId);
        // Bytes or a FIN for a connection already ended (kubectl closes its streams after the kubelet did): dropped.
        if (!pair) return;
        if (frame.streamId !== pair.data) return; // The client writes nothing on the error stream; a FIN there is its half-close.
        if (frame.data.length > 0 && pair.open) this.bytes(pair, frame.data, out);
        // kubectl closed its local connection: the pod's end closes too and the kubelet ends both streams.
        if ((frame.flags & FLAG_FIN) !== 0 && pair.open) this.finish(pair, out);
        return;
      }
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS and replies: nothing to do for a server that does not limit windows.
        return;
    }
  }

  private stream(frame: Extract<SpdyFrame, { type: "syn_stream" }>, out: TunnelOutput): void {
    const write = (f: SpdyFrame) => out.send.push(this.writer.write(f));
    const streamType = headerValue(frame.headers, "streamtype") ?? "";
    const portText = headerValue(frame.headers, "port") ?? "";
    // httpStreamReceived: a stream without a port above 0 or without a known type is refused in its reply.
    const validPort = /^\d{1,5}$/.test(portText) && Number(portText) >= 1 && Number(portText) <= 65535;
    const invalid = !validPort || (streamType !== "error" && streamType !== "data");
    if (invalid || this.connections >= MAX_FORWARDED_CONNECTIONS) {
      write({ type: "syn_reply", flags: FLAG_FIN, streamId: frame.streamId, headers: [] });
      return;
    }
    write({ type: "syn_reply", flags: 0, streamId: frame.streamId, headers: [] });
    // Clients before request IDs pair streams by order; kubectl 1.33 always sends one.
    const requestId = headerValue(frame.headers, "requestid") ?? String(frame.streamId);
    let pair = this.pairs.get(requestId);
    if (!pair) {
      pair = { requestId, pending: new Uint8Array(0), open: false };
      this.pairs.set(requestId, pair);
    }
    this.byStream.set(frame.streamId, pair);
    if ((streamType === "error" && pair.error !== undefined) || (streamType === "data" && pair.data !== undefined)) {
      if (pair.error !== undefined) this.errorText(pair, `error processing stream for request ${requestId}: ${streamType} stream already assigned`, out);
      return;
    }
    if (streamType === "error") pair.error = frame.streamId;
    else {
      pair.data = frame.streamId;
      pair.port = Number(portText);
    }
    if (pair.error === undefined || pair.data === undefined) return;
    const failed = this.hooks.dial(pair.port!);
    if (failed !== undefined) {
      this.errorText(pair, failed, out);
      this.finish(pair, out);
      return;
    }
    pair.open = true;
  }

  /** Request bytes from the client: each whole request is answered in order. */
  private bytes(pair: StreamPair, data: Uint8Array, out: TunnelOutput): void {
    const buffered = new Uint8Array(pair.pending.length + data.length);
    buffered.set(pair.pending);
    buffered.set(data, pair.pending.length);
    const parsed = parseRequests(buffered);
    for (const request of parsed.requests) {
      const answer = this.hooks.request(pair.port!, request);
      if (answer.kind === "failed") {
        this.errorText(pair, answer.message, out);
        this.finish(pair, out);
        return;
      }
      const reply = answer.reply;
      if (reply.kind === "http") this.send(pair, responseBytes(reply, request.method), out);
      else if (reply.kind === "banner") this.send(pair, Uint8Array.from(utf8Bytes(reply.bytes)), out);
      if (reply.kind !== "http" || !keepsAlive(request, reply)) {
        // The process closed the connection after its answer (or without one).
        this.finish(pair, out);
        return;
      }
    }
    if (!parsed.ok) {
      // A server closes a connection whose bytes are not HTTP it can read.
      this.finish(pair, out);
      return;
    }
    pair.pending = parsed.rest;
  }

  private send(pair: StreamPair, bytes: Uint8Array, out: TunnelOutput): void {
    for (let at = 0; at < bytes.length; at += DATA_CHUNK) {
      out.send.push(this.writer.write({ type: "data", streamId: pair.data!, flags: 0, data: bytes.subarray(at, at + DATA_CHUNK) }));
    }
  }

  private errorText(pair: StreamPair, message: string, out: TunnelOutput): void {
    if (pair.error === undefined) return;
    out.send.push(this.writer.write({ type: "data", streamId: pair.error, flags: 0, data: Uint8Array.from(utf8Bytes(message)) }));
  }

  /** The kubelet's end of one forwarded connection: both streams closed, as its deferred Close calls do. */
  private finish(pair: StreamPair, out: TunnelOutput): void {
    for (const id of [pair.data, pair.error]) {
      if (id !== undefined) out.send.push(this.writer.write({ type: "data", streamId: id, flags: FLAG_FIN, data: new Uint8Array(0) }));
    }
    this.forget(pair);
  }

  private forget(pair: StreamPair): void {
    pair.open = false;
    this.pairs.delete(pair.requestId);
    for (const id of [pair.data, pair.error]) if (id !== undefined) this.byStream.delete(id);
  }
}
