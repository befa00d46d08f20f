// SPDY/3.1 framing as kubectl's port-forward speaks it (github.com/moby/spdystream's spdy package,
// via k8s.io/apimachinery util/httpstream/spdy): control frames (SYN_STREAM, SYN_REPLY, RST_STREAM,
// SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE) and DATA frames, with header blocks compressed by
// one zlib stream per direction that starts from SPDY/3's preset dictionary. kubectl 1.31+ carries
// these bytes in WebSocket binary messages (`SPDY/3.1+portforward.k8s.io`) whose boundaries are
// not frame boundaries, so the reader takes bytes and yields whole frames.

import { Inflate } from "pako/browser/inflate";
import { utf8Bytes, utf8Text } from "../base64.ts";

export const SPDY_VERSION = 3;

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;

/** FLAG_FIN on DATA, SYN_STREAM and SYN_REPLY: the sender writes no more on the stream. */
export const FLAG_FIN = 0x01;

/** RST_STREAM status codes (spdy.RstStreamStatus). */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

/** The largest DATA payload one frame carries (24-bit length). */
export const MAX_DATA_LENGTH = 0xffffff;

/** Frames larger than this are refused when read (kubectl writes data in 32 KiB pieces): a bound on what one client buffers here. */
export const MAX_READ_FRAME = 1024 * 1024;
/** A header block that inflates past this is refused (a stream's headers are a few dozen bytes). */
export const MAX_HEADER_BLOCK = 64 * 1024;

/** Header names to their values (SPDY joins several values of one name with NUL). */
export type SpdyHeaders = Array<[string, string[]]>;

export type SpdyFrame =
  | { type: "syn_stream"; flags: number; streamId: number; associatedTo: number; priority: number; slot: number; headers: SpdyHeaders }
  | { type: "syn_reply"; flags: number; streamId: number; headers: SpdyHeaders }
  | { type: "headers"; flags: number; streamId: number; headers: SpdyHeaders }
  | { type: "rst_stream"; streamId: number; status: number }
  | { type: "settings"; flags: number; entries: Array<{ flags: number; id: number; value: number }> }
  | { type: "ping"; id: number }
  | { type: "goaway"; lastGoodStreamId: number; status: number }
  | { type: "window_update"; streamId: number; delta: number }
  | { type: "data"; streamId: number; flags: number; data: Uint8Array };

/** SPDY/3's header compression dictionary (draft 3, 2.6.10.1): length-prefixed words, then a run of common text. */
const DICTIONARY_WORDS = [
  "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding", "accept-language",
  "accept-ranges", "age", "allow", "authorization", "cache-control", "connection", "content-base", "content-encoding",
  "content-language", "content-length", "content-location", "content-md5", "content-range", "content-type", "date",
  "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range",
  "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma", "proxy-authenticate",
  "proxy-authorization", "range", "referer", "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade",
  "user-agent", "vary", "via", "warning", "www-authenticate", "method", "get", "status", "200 OK", "version",
  "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
];
const DICTIONARY_TAIL =
  "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
  "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
  "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
  "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
  "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
  "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

export const SPDY_DICTIONARY: Uint8Array = (() => {
  const parts: number[] = [];
  for (const word of DICTIONARY_WORDS) {
    parts.push(0, 0, 0, word.length);
    for (let i = 0; i < word.length; i++) parts.push(word.charCodeAt(i));
  }
  for (let i = 0; i < DICTIONARY_TAIL.length; i++) parts.push(DICTIONARY_TAIL.charCodeAt(i));
  return Uint8Array.from(parts);
})();

/** zlib's Adler-32 checksum (RFC 1950), which names a preset dictionary in the stream header. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A header block before compression: count, then each name and value with 32-bit lengths; names lower case. */
export function encodeHeaderBlock(headers: SpdyHeaders): Uint8Array {
  const out = new Bytes();
  out.u32(headers.length);
  for (const [name, values] of headers) {
    const n = Uint8Array.from(utf8Bytes(name.toLowerCase()));
    const v = Uint8Array.from(utf8Bytes(values.join("\0")));
    out.u32(n.length);
    out.bytes(n);
    out.u32(v.length);
    out.bytes(v);
  }
  return out.done();
}

/** A header block after decompression; throws on a block that runs short (a protocol error). */
export function decodeHeaderBlock(block: Uint8Array): SpdyHeaders {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > block.length) throw new SpdyProtocolError("header block is shorter than its lengths say");
  };
  need(4);
  const count = view.getUint32(at);
  at += 4;
  const headers: SpdyHeaders = [];
  for (let i = 0; i < count; i++) {
    need(4);
    const nameLength = view.getUint32(at);
    at += 4;
    need(nameLength);
    const name = utf8Text(Array.from(block.subarray(at, at + nameLength)));
    at += nameLength;
    need(4);
    const valueLength = view.getUint32(at);
    at += 4;
    need(valueLength);
    const value = utf8Text(Array.from(block.subarray(at, at + valueLength)));
    at += valueLength;
    headers.push([name, value.split("\0")]);
  }
  return headers;
}

/** The first value of a header (names are lower case on the wire). */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n === lower)?.[1][0];
}

export class SpdyProtocolError extends Error {}

/**
 * The compressing side of a header stream. Go's reader accepts any valid zlib stream with the
 * dictionary's id, so each block goes out as stored (uncompressed) deflate blocks, byte-aligned
 * and not final, then flushed: the stream continues in the next frame as Go's Flush() leaves it.
 */
export class HeaderCompressor {
  private started = false;

  compress(block: Uint8Array): Uint8Array {
    const out = new Bytes();
    if (!this.started) {
      // CMF 0x78 (deflate, 32K window), FLG 0xF9 (FDICT, best compression, check bits), then the dictionary's Adler-32.
      out.bytes(Uint8Array.of(0x78, 0xf9));
      out.u32(adler32(SPDY_DICTIONARY));
      this.started = true;
    }
    let at = 0;
    do {
      const part = block.subarray(at, at + 0xffff);
      // BFINAL 0, BTYPE 00, then LEN and its one's complement, little-endian.
      out.bytes(Uint8Array.of(0x00, part.length & 0xff, part.length >> 8, ~part.length & 0xff, (~part.length >> 8) & 0xff));
      out.bytes(part);
      at += part.length;
    } while (at < block.length);
    // And an empty stored block, as zlib's sync flush ends: Go's inflater hands over a stored
    // block's bytes only when the next block header arrives, and the frame must not wait for one.
    out.bytes(Uint8Array.of(0x00, 0x00, 0x00, 0xff, 0xff));
    return out.done();
  }
}

/** The decompressing side: one zlib stream for the connection, each frame's part flushed as it comes. */
/** zlib's Z_SYNC_FLUSH: inflate everything the input holds so far (the inflate-only build exports no constants). */
const Z_SYNC_FLUSH = 2;

export class HeaderDecompressor {
  private readonly inflate = new Inflate({ dictionary: SPDY_DICTIONARY });
  private chunks: Uint8Array[] = [];

  constructor() {
    this.inflate.onData = (chunk: Uint8Array) => void this.chunks.push(chunk);
  }

  decompress(part: Uint8Array): Uint8Array {
    this.chunks = [];
    const ok = this.inflate.push(part, Z_SYNC_FLUSH);
    if (!ok || this.inflate.err !== 0) throw new SpdyProtocolError(`header block does not decompress: ${this.inflate.msg || "invalid data"}`);
    const block = concat(this.chunks);
    if (block.length > MAX_HEADER_BLOCK) throw new SpdyProtocolError("header block too large");
    return block;
  }
}

/** Reads frames from the connection's bytes as they arrive. */
export class SpdyReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly headers = new HeaderDecompressor();

  /** The whole frames the bytes so far complete, in order; a partial frame waits for more. */
  push(bytes: Uint8Array): SpdyFrame[] {
    this.buffer = this.buffer.length === 0 ? bytes.slice() : concat([this.buffer, bytes]);
    const frames: SpdyFrame[] = [];
    for (;;) {
      if (this.buffer.length < 8) break;
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      const length = view.getUint32(4) & 0xffffff;
      if (length > MAX_READ_FRAME) throw new SpdyProtocolError("frame too large");
      if (this.buffer.length < 8 + length) break;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      frames.push(this.parse(frame));
    }
    return frames;
  }

  private parse(frame: Uint8Array): SpdyFrame {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const first = view.getUint32(0);
    const flags = frame[4];
    const length = frame.length - 8;
    if ((first & 0x80000000) === 0) {
      const streamId = first & 0x7fffffff;
      if (streamId === 0) throw new SpdyProtocolError("stream id zero is disallowed");
      return { type: "data", streamId, flags, data: frame.slice(8) };
    }
    const version = (first >>> 16) & 0x7fff;
    const type = first & 0xffff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    const need = (n: number) => {
      if (length < n) throw new SpdyProtocolError("invalid control frame");
    };
    const id = (at: number) => view.getUint32(at) & 0x7fffffff;
    switch (type) {
      case SYN_STREAM: {
        need(10);
        const headers = decodeHeaderBlock(this.headers.decompress(frame.subarray(18)));
        return { type: "syn_stream", flags, streamId: id(8), associatedTo: id(12), priority: frame[16] >> 5, slot: frame[17], headers };
      }
      case SYN_REPLY:
      case HEADERS: {
        need(4);
        const headers = decodeHeaderBlock(this.headers.decompress(frame.subarray(12)));
        return { type: type === SYN_REPLY ? "syn_reply" : "headers", flags, streamId: id(8), headers };
      }
      case RST_STREAM:
        need(8);
        return { type: "rst_stream", streamId: id(8), status: view.getUint32(12) };
      case SETTINGS: {
        need(4);
        const count = view.getUint32(8);
        need(4 + count * 8);
        const entries = [];
        for (let i = 0; i < count; i++) {
          const word = view.getUint32(12 + i * 8);
          entries.push({ flags: word >>> 24, id: word & 0xffffff, value: view.getUint32(16 + i * 8) });
        }
        return { type: "settings", flags, entries };
      }
      case PING:
        need(4);
        return { type: "ping", id: view.getUint32(8) };
      case GOAWAY:
        need(8);
        return { type: "goaway", lastGoodStreamId: id(8), status: view.getUint32(12) };
      case WINDOW_UPDATE:
        need(8);
        return { type: "window_update", streamId: id(8), delta: view.getUint32(12) & 0x7fffffff };
      default:
        throw new SpdyProtocolError(`unknown control frame type ${type}`);
    }
  }
}

/** Writes frames; its header compressor is the connection's, so one writer per direction. */
export class SpdyWriter {
  private readonly headers = new HeaderCompressor();

  write(frame: SpdyFrame): Uint8Array {
    const out = new Bytes();
    const control = (type: number, flags: number, body: Uint8Array) => {
      out.u32(0x80000000 | (SPDY_VERSION << 16) | type);
      out.u32(((flags & 0xff) << 24) | body.length);
      out.bytes(body);
    };
    const body = new Bytes();
    switch (frame.type) {
      case "data":
        if (frame.data.length > MAX_DATA_LENGTH) throw new RangeError("DATA frame payload too long");
        out.u32(frame.streamId & 0x7fffffff);
        out.u32(((frame.flags & 0xff) << 24) | frame.data.length);
        out.bytes(frame.data);
        break;
      case "syn_stream":
        body.u32(frame.streamId);
        body.u32(frame.associatedTo);
        body.bytes(Uint8Array.of((frame.priority & 7) << 5, frame.slot));
        body.bytes(this.headers.compress(encodeHeaderBlock(frame.headers)));
        control(SYN_STREAM, frame.flags, body.done());
        break;
      case "syn_reply":
      case "headers":
        body.u32(frame.streamId);
        body.bytes(this.headers.compress(encodeHeaderBlock(frame.headers)));
        control(frame.type === "syn_reply" ? SYN_REPLY : HEADERS, frame.flags, body.done());
        break;
      case "rst_stream":
        body.u32(frame.streamId);
        body.u32(frame.status);
        control(RST_STREAM, 0, body.done());
        break;
      case "settings":
        body.u32(frame.entries.length);
        for (const e of frame.entries) {
          body.u32(((e.flags & 0xff) << 24) | (e.id & 0xffffff));
          body.u32(e.value);
        }
        control(SETTINGS, frame.flags, body.done());
        break;
      case "ping":
        body.u32(frame.id);
        control(PING, 0, body.done());
        break;
      case "goaway":
        body.u32(frame.lastGoodStreamId);
        body.u32(frame.status);
        control(GOAWAY, 0, body.done());
        break;
      case "window_update":
        body.u32(frame.streamId);
        body.u32(frame.delta);
        control(WINDOW_UPDATE, 0, body.done());
        break;
    }
    return out.done();
  }
}

/** A growing byte buffer with big-endian 32-bit writes. */
class Bytes {
  private parts: Uint8Array[] = [];

  u32(value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0);
    this.parts.push(b);
  }

  bytes(b: Uint8Array): void {
    this.parts.push(b);
  }

  done(): Uint8Array {
    return concat(this.parts);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
