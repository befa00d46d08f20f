import { deflateSync, constants, createDeflate, inflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adler32, decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor, SPDY_DICTIONARY, type SpdyFrame, SpdyProtocolError, SpdyReader, SpdyWriter } from "../../../worker/sim/api/spdy.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** What zlib itself (as Go's compress/zlib does) writes for successive header blocks, each ended by a sync flush. */
async function zlibStream(blocks: Uint8Array[]): Promise<Buffer[]> {
  const d = createDeflate({ dictionary: Buffer.from(SPDY_DICTIONARY), level: 9 });
  const chunks: Buffer[] = [];
  d.on("data", (x: Buffer) => chunks.push(x));
  const out: Buffer[] = [];
  for (const block of blocks) {
    d.write(Buffer.from(block));
    await new Promise<void>((resolve) => d.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    out.push(Buffer.concat(chunks.splice(0)));
  }
  d.end();
  return out;
}

describe("SPDY/3 header compression", () => {
  it("has SPDY/3's dictionary, whose Adler-32 every SPDY/3 header stream names", () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY_DICTIONARY).toString(16)).toBe("e3c6a7c2");
    // Deflating with it gives the header kubectl's first SYN_STREAM starts with.
    expect(hex(deflateSync(Buffer.from("x"), { dictionary: Buffer.from(SPDY_DICTIONARY), level: 9 }).subarray(0, 6))).toBe("78f9e3c6a7c2");
  });

  it("encodes header blocks with 32-bit lengths, names lower case, several values joined by NUL", () => {
    expect(hex(encodeHeaderBlock([["Port", ["80"]]]))).toBe("00000001" + "00000004" + hex(Buffer.from("port")) + "00000002" + hex(Buffer.from("80")));
    expect(decodeHeaderBlock(encodeHeaderBlock([["a", ["1", "2"]]]))).toEqual([["a", ["1", "2"]]]);
    expect(() => decodeHeaderBlock(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 9, 97))).toThrow(SpdyProtocolError);
  });

  it("reads the blocks zlib compresses into one stream, frame by frame", async () => {
    const blocks = [
      encodeHeaderBlock([["streamtype", ["error"]], ["port", ["80"]], ["requestid", ["0"]]]),
      encodeHeaderBlock([["streamtype", ["data"]], ["port", ["80"]], ["requestid", ["0"]]]),
      encodeHeaderBlock([]),
    ];
    const parts = await zlibStream(blocks);
    const reader = new HeaderDecompressor();
    for (let i = 0; i < blocks.length; i++) expect(hex(reader.decompress(parts[i]))).toBe(hex(blocks[i]));
  });

  it("writes blocks zlib reads back as one stream with the dictionary", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 70_000 }), { minLength: 1, maxLength: 4 }), (blocks) => {
        const writer = new HeaderCompressor();
        const stream = Buffer.concat(blocks.map((b) => writer.compress(b)));
        const back = inflateSync(stream, { dictionary: Buffer.from(SPDY_DICTIONARY), finishFlush: constants.Z_SYNC_FLUSH });
        expect(hex(back)).toBe(hex(Buffer.concat(blocks)));
      }),
      { numRuns: 20 },
    );
  });

  it("refuses a header stream that is not zlib, or names another dictionary", () => {
    expect(() => new HeaderDecompressor().decompress(Uint8Array.of(1, 2, 3, 4))).toThrow(SpdyProtocolError);
    expect(() => new HeaderDecompressor().decompress(deflateSync(Buffer.from("x"), { dictionary: Buffer.from("other") }))).toThrow(SpdyProtocolError);
  });
});

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const headers = fc.array(fc.tuple(name, fc.array(fc.stringMatching(/^[ -~]{0,20}$/), { minLength: 1, maxLength: 3 })), { maxLength: 5 });
const id31 = fc.integer({ min: 1, max: 0x7fffffff });
const frameArb: fc.Arbitrary<SpdyFrame> = fc.oneof(
  fc.record({ type: fc.constant("syn_stream" as const), flags: fc.integer({ min: 0, max: 3 }), streamId: id31, associatedTo: fc.integer({ min: 0, max: 0x7fffffff }), priority: fc.integer({ min: 0, max: 7 }), slot: fc.integer({ min: 0, max: 255 }), headers }),
  fc.record({ type: fc.constant("syn_reply" as const), flags: fc.integer({ min: 0, max: 1 }), streamId: id31, headers }),
  fc.record({ type: fc.constant("headers" as const), flags: fc.integer({ min: 0, max: 1 }), streamId: id31, headers }),
  fc.record({ type: fc.constant("rst_stream" as const), streamId: id31, status: fc.integer({ min: 1, max: 11 }) }),
  fc.record({ type: fc.constant("settings" as const), flags: fc.integer({ min: 0, max: 1 }), entries: fc.array(fc.record({ flags: fc.integer({ min: 0, max: 3 }), id: fc.integer({ min: 1, max: 8 }), value: fc.nat() }), { maxLength: 4 }) }),
  fc.record({ type: fc.constant("ping" as const), id: fc.integer({ min: 1, max: 0xffffffff }) }),
  fc.record({ type: fc.constant("goaway" as const), lastGoodStreamId: fc.integer({ min: 0, max: 0x7fffffff }), status: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ type: fc.constant("window_update" as const), streamId: fc.integer({ min: 0, max: 0x7fffffff }), delta: id31 }),
  fc.record({ type: fc.constant("data" as const), streamId: id31, flags: fc.integer({ min: 0, max: 1 }), data: fc.uint8Array({ maxLength: 300 }) }),
);

describe("SPDY/3 frames", () => {
  it.each([
    ["PING 1", { type: "ping", id: 1 } as SpdyFrame, "80030006" + "00000004" + "00000001"],
    ["RST_STREAM 3 CANCEL", { type: "rst_stream", streamId: 3, status: 5 } as SpdyFrame, "80030003" + "00000008" + "00000003" + "00000005"],
    ["GOAWAY", { type: "goaway", lastGoodStreamId: 7, status: 0 } as SpdyFrame, "80030007" + "00000008" + "00000007" + "00000000"],
    ["DATA 1 FIN", { type: "data", streamId: 1, flags: 1, data: Uint8Array.of(0x68, 0x69) } as SpdyFrame, "00000001" + "01000002" + "6869"],
    ["SETTINGS", { type: "settings", flags: 0, entries: [{ flags: 0, id: 7, value: 65536 }] } as SpdyFrame, "80030004" + "0000000c" + "00000001" + "00000007" + "00010000"],
  ])("writes %s as the wire has it", (_, frame, wire) => {
    expect(hex(new SpdyWriter().write(frame))).toBe(wire);
  });

  it("writes SYN_REPLY as stream id then a stored zlib block after the dictionary header", () => {
    const bytes = new SpdyWriter().write({ type: "syn_reply", flags: 0, streamId: 1, headers: [] });
    // control bit, version 3, type 2; length 4 + 6 (zlib header and dict id) + 5 (stored block header) + 4 (zero pairs) + 5 (sync flush).
    expect(hex(bytes)).toBe("80030002" + "00000018" + "00000001" + "78f9e3c6a7c2" + "000400fbff" + "00000000" + "000000ffff");
  });

  it("reads back what it writes, however the bytes are split", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (frames, cuts) => {
        const writer = new SpdyWriter();
        const wire = Buffer.concat(frames.map((f) => writer.write(f)));
        const reader = new SpdyReader();
        const got: SpdyFrame[] = [];
        let at = 0;
        for (let i = 0; at < wire.length; i++) {
          const n = cuts[i % cuts.length];
          got.push(...reader.push(new Uint8Array(wire.subarray(at, at + n))));
          at += n;
        }
        expect(got).toEqual(frames);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a frame over 1 MiB before it arrives, and a header block that inflates past 64 KiB", () => {
    expect(() => new SpdyReader().push(Uint8Array.of(0, 0, 0, 1, 0, 0x10, 0, 1))).toThrow("frame too large");
    const big = deflateSync(Buffer.alloc(70_000), { dictionary: Buffer.from(SPDY_DICTIONARY), finishFlush: constants.Z_SYNC_FLUSH });
    expect(() => new HeaderDecompressor().decompress(big)).toThrow("header block too large");
  });

  it("waits for the rest of a frame, and refuses a data frame on stream 0 or another SPDY version", () => {
    const reader = new SpdyReader();
    expect(reader.push(Uint8Array.of(0x80, 0x03, 0x00, 0x06, 0, 0, 0, 4, 0, 0))).toEqual([]);
    expect(reader.push(Uint8Array.of(0, 9))).toEqual([{ type: "ping", id: 9 }]);
    expect(() => new SpdyReader().push(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0))).toThrow(SpdyProtocolError);
    expect(() => new SpdyReader().push(Uint8Array.of(0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1))).toThrow(SpdyProtocolError);
  });
});
