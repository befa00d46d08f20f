import { describe, expect, it } from "vitest";
import { MAX_FORWARDED_CONNECTIONS, type PortForwardHooks, PortForwardServer } from "../../../worker/sim/api/port-forward.ts";
import { FLAG_FIN, type SpdyFrame, SpdyReader, SpdyWriter } from "../../../worker/sim/api/spdy.ts";
import type { HttpRequest } from "../../../worker/sim/net/http.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** kubectl's end of the tunnel: its own writer and reader, as client-go's spdy connection has. */
class Client {
  private readonly writer = new SpdyWriter();
  private readonly reader = new SpdyReader();
  readonly server: PortForwardServer;
  closed = false;

  constructor(hooks: PortForwardHooks) {
    this.server = new PortForwardServer(hooks);
  }

  send(...frames: SpdyFrame[]): SpdyFrame[] {
    const out = this.server.receive(Uint8Array.from(Buffer.concat(frames.map((f) => this.writer.write(f)))));
    this.closed ||= out.closed;
    return out.send.flatMap((m) => this.reader.push(m));
  }

  /** The two streams kubectl opens for one local connection (portforward.go handleConnection). */
  open(requestId: number, port: number, errorStream: number, dataStream: number): SpdyFrame[] {
    const headers = (type: string): Array<[string, string[]]> => [["streamtype", [type]], ["port", [String(port)]], ["requestid", [String(requestId)]]];
    return [
      ...this.send({ type: "syn_stream", flags: 0, streamId: errorStream, associatedTo: 0, priority: 0, slot: 0, headers: headers("error") }),
      ...this.send({ type: "data", streamId: errorStream, flags: FLAG_FIN, data: new Uint8Array(0) }),
      ...this.send({ type: "syn_stream", flags: 0, streamId: dataStream, associatedTo: 0, priority: 0, slot: 0, headers: headers("data") }),
    ];
  }
}

const nginx = (seen: HttpRequest[]): PortForwardHooks => ({
  dial: (port) => (port === 80 ? undefined : `error forwarding port ${port} to pod abc, uid : connection refused`),
  request: (_, request) => {
    seen.push(request);
    const body = request.target === "/" ? "hello\n" : "missing\n";
    return { kind: "reply", reply: { kind: "http", version: "HTTP/1.1", status: request.target === "/" ? 200 : 404, reason: request.target === "/" ? "OK" : "Not Found", headers: [["Content-Length", String(body.length)], ["Connection", "keep-alive"]], body } };
  },
});

const data = (streamId: number, s: string, flags = 0): SpdyFrame => ({ type: "data", streamId, flags, data: bytes(s) });
const reply = (streamId: number, flags = 0): SpdyFrame => ({ type: "syn_reply", flags, streamId, headers: [] });
const fin = (streamId: number): SpdyFrame => ({ type: "data", streamId, flags: FLAG_FIN, data: new Uint8Array(0) });

describe("pods/portforward's stream protocol, the kubelet's end", () => {
  it("replies to each stream, answers requests on the data stream and keeps the connection for the next", () => {
    const seen: HttpRequest[] = [];
    const client = new Client(nginx(seen));
    expect(client.open(0, 80, 1, 3)).toEqual([reply(1), reply(3)]);
    // A request split across frames is answered once whole; the next one on the same connection too.
    expect(client.send(data(3, "GET / HTTP/1.1\r\nHost: localhost:18080\r\n"))).toEqual([]);
    expect(client.send(data(3, "\r\n"))).toEqual([data(3, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nhello\n")]);
    expect(client.send(data(3, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n"))).toEqual([data(3, "HTTP/1.1 404 Not Found\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\nmissing\n")]);
    expect(seen.map((r) => r.target)).toEqual(["/", "/x"]);
    expect(client.server.connections).toBe(1);
    // kubectl's local connection closed: the kubelet ends both streams.
    expect(client.send(fin(3))).toEqual([fin(3), fin(1)]);
    expect(client.server.connections).toBe(0);
    // kubectl's own close of what is already over is dropped.
    expect(client.send(fin(3))).toEqual([]);
  });

  it("keeps two local connections apart by request id", () => {
    const client = new Client(nginx([]));
    client.open(0, 80, 1, 3);
    client.open(1, 80, 5, 7);
    expect(client.send(data(7, "GET / HTTP/1.1\r\n\r\n"), data(3, "GET /y HTTP/1.1\r\n\r\n")).map((f) => f.type === "data" && [f.streamId, text(f.data).split("\r\n")[0]])).toEqual([
      [7, "HTTP/1.1 200 OK"],
      [3, "HTTP/1.1 404 Not Found"],
    ]);
  });

  it("writes the kubelet's error on the error stream when nothing listens, and ends the pair", () => {
    const client = new Client(nginx([]));
    expect(client.open(0, 8080, 1, 3)).toEqual([reply(1), reply(3), data(1, "error forwarding port 8080 to pod abc, uid : connection refused"), fin(3), fin(1)]);
    expect(client.server.connections).toBe(0);
  });

  it("closes the connection after a response that says close, and after bytes that are not HTTP", () => {
    const hooks = nginx([]);
    const client = new Client(hooks);
    client.open(0, 80, 1, 3);
    const out = client.send(data(3, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
    expect(out.slice(1)).toEqual([fin(3), fin(1)]);
    client.open(1, 80, 5, 7);
    expect(client.send(data(7, "\x16\x03\x01 not http\r\n\r\n"))).toEqual([fin(7), fin(5)]);
  });

  it.each([
    ["no port", [["streamtype", ["data"]], ["requestid", ["0"]]]],
    ["port 0", [["streamtype", ["data"]], ["port", ["0"]], ["requestid", ["0"]]]],
    ["a port that is not a number", [["streamtype", ["data"]], ["port", ["http"]], ["requestid", ["0"]]]],
    ["an unknown stream type", [["streamtype", ["stdin"]], ["port", ["80"]], ["requestid", ["0"]]]],
  ] as Array<[string, Array<[string, string[]]>]>)("refuses a stream with %s in its reply", (_, headers) => {
    const client = new Client(nginx([]));
    expect(client.send({ type: "syn_stream", flags: 0, streamId: 1, associatedTo: 0, priority: 0, slot: 0, headers })).toEqual([reply(1, FLAG_FIN)]);
  });

  it("refuses streams past its limit of open connections", () => {
    const client = new Client(nginx([]));
    for (let i = 0; i < MAX_FORWARDED_CONNECTIONS; i++) client.open(i, 80, 4 * i + 1, 4 * i + 3);
    expect(client.server.connections).toBe(MAX_FORWARDED_CONNECTIONS);
    expect(client.open(999, 80, 9001, 9003)).toEqual([reply(9001, FLAG_FIN), reply(9003, FLAG_FIN)]);
  });

  it("echoes pings, and goes away from bytes that are not SPDY", () => {
    const client = new Client(nginx([]));
    expect(client.send({ type: "ping", id: 1 })).toEqual([{ type: "ping", id: 1 }]);
    const out = client.server.receive(Uint8Array.of(0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0));
    expect(out.closed).toBe(true);
    expect(new SpdyReader().push(out.send[0])).toEqual([{ type: "goaway", lastGoodStreamId: 0, status: 1 }]);
  });
});
