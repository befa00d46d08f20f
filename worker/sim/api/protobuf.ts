// Request bodies in application/vnd.kubernetes.protobuf, as real kubectl's typed clients send them
// (`kubectl create deployment|configmap|secret ...`, drain's DeleteOptions): the "k8s\0" magic, a
// runtime.Unknown envelope naming apiVersion and kind, and the kind's message inside it. Decoded
// into the JSON object encoding/json would write for the same Go struct, so everything after
// (validation, defaulting, managedFields) is the JSON path's. As apimachinery's protobuf
// serializer: a field number the message does not have is skipped (strict decoding is unsupported
// for protobuf, codec_factory.go), and malformed input fails with gogo-protobuf's Unmarshal errors.

import { encodeBase64Bytes, utf8Text } from "../base64.ts";
import { rfc3339 } from "../cluster/ids.ts";
import { MESSAGES } from "./protobuf-schemas.ts";

/** The prefix apimachinery's serializer writes before the envelope (protobuf.go protoEncodingPrefix). */
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Why a body could not be decoded, in gogo-protobuf's words. */
export class ProtobufError extends Error {}

const UNEXPECTED_EOF = "unexpected EOF";
const INT_OVERFLOW = "proto: integer overflow";
const INVALID_LENGTH = "proto: negative length found during unmarshaling";

interface Field {
  json: string;
  go: string;
  type: string;
  pointer: boolean;
  repeated: boolean;
  map: boolean;
  /** The JSON tag has no omitempty: the zero value is written. */
  always: boolean;
}

const parsedFields = new Map<string, Map<number, Field>>();

function fieldsOf(message: string, rows: Readonly<Record<number, string>> = MESSAGES[message]): Map<number, Field> {
  let fields = parsedFields.get(message);
  if (fields) return fields;
  fields = new Map();
  for (const [number, row] of Object.entries(rows)) {
    const match = /^([^:/]*)(?:\/(\w+))?:(\??)(\[\])?(?:map<(\w+)>|(\w+))(!?)$/.exec(row)!;
    const json = match[1];
    fields.set(Number(number), {
      json,
      go: match[2] ?? json.charAt(0).toUpperCase() + json.slice(1),
      type: match[5] ?? match[6],
      pointer: match[3] === "?",
      repeated: match[4] === "[]",
      map: match[5] !== undefined,
      always: match[7] === "!",
    });
  }
  parsedFields.set(message, fields);
  return fields;
}

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
    readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.at >= this.end;
  }

  /** A varint as a BigInt (64 bits, as Go reads it into a uint64). */
  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift >= 64n) throw new ProtobufError(INT_OVERFLOW);
      if (this.at >= this.end) throw new ProtobufError(UNEXPECTED_EOF);
      const b = this.bytes[this.at++];
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
  }

  /** A length-delimited field's bytes (Go's int length: a varint past 2^63 is negative). */
  delimited(): Reader {
    const length = BigInt.asIntN(64, this.varint());
    if (length < 0n) throw new ProtobufError(INVALID_LENGTH);
    const end = this.at + Number(length);
    if (end > this.end) throw new ProtobufError(UNEXPECTED_EOF);
    const inner = new Reader(this.bytes, this.at, end);
    this.at = end;
    return inner;
  }

  fixed(size: number): Uint8Array {
    if (this.at + size > this.end) throw new ProtobufError(UNEXPECTED_EOF);
    const out = this.bytes.subarray(this.at, this.at + size);
    this.at += size;
    return out;
  }

  rest(): Uint8Array {
    return this.bytes.subarray(this.at, this.end);
  }

  /** Past a field the message does not have (the generated skipGenerated). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.fixed(8);
        return;
      case 2:
        this.delimited();
        return;
      case 5:
        this.fixed(4);
        return;
      case 3: {
        // A group, up to its end-group tag (deprecated, still skipped by the generated code).
        for (;;) {
          const tag = this.varint();
          const type = Number(tag & 7n);
          if (type === 4) return;
          this.skip(type);
        }
      }
      case 4:
        throw new ProtobufError("proto: unexpected end of group");
      default:
        throw new ProtobufError(`proto: illegal wireType ${wireType}`);
    }
  }
}

const text = (bytes: Uint8Array): string => utf8Text(Array.from(bytes));

function wireTypeOf(field: Field): number {
  if (field.map) return 2;
  if (field.type === "int32" || field.type === "int64" || field.type === "bool") return 0;
  if (field.type === "float64") return 1;
  return 2;
}

/** One value of a field's type at the reader (its wire type already checked). */
function readValue(reader: Reader, type: string): unknown {
  switch (type) {
    case "string":
      return text(reader.delimited().rest());
    case "bytes":
      return encodeBase64Bytes(Array.from(reader.delimited().rest()));
    case "raw":
      // The envelope's payload, kept as bytes for the kind's own decoding.
      return reader.delimited().rest();
    case "bool":
      return reader.varint() !== 0n;
    case "int32":
      return Number(BigInt.asIntN(32, reader.varint()));
    case "int64":
      return Number(BigInt.asIntN(64, reader.varint()));
    case "float64":
      return new DataView(reader.fixed(8).slice().buffer).getFloat64(0, true);
    default:
      return readSpecial(reader.delimited(), type);
  }
}

/** The apimachinery messages whose JSON is not an object of their fields. */
function readSpecial(reader: Reader, type: string): unknown {
  switch (type) {
    case "Quantity":
      // resource.Quantity {1: string}; the canonical form is the API server's to write.
      return (readMessage(reader, "Quantity", { 1: "string:string" }).string as string | undefined) ?? "0";
    case "IntOrString": {
      const v = readMessage(reader, "IntOrString", { 1: "type:int64", 2: "intVal/IntVal:int32", 3: "strVal/StrVal:string" });
      return v.type === 1 ? (v.strVal ?? "") : (v.intVal ?? 0);
    }
    case "Time": {
      // metav1.Time: an empty message is the zero time (null in JSON); otherwise seconds since the epoch, to the second.
      if (reader.done) return null;
      const v = readMessage(reader, "Timestamp", { 1: "seconds:int64", 2: "nanos:int32" });
      return rfc3339(((v.seconds as number | undefined) ?? 0) * 1000);
    }
    case "FieldsV1": {
      // metav1.FieldsV1 {1: Raw}: the field set's JSON, written into the object as it is.
      const v = readMessage(reader, "FieldsV1", { 1: "raw/Raw:raw" });
      if (v.raw === undefined) return null;
      try {
        return JSON.parse(text(v.raw as Uint8Array));
      } catch (error) {
        throw new ProtobufError(error instanceof Error ? error.message : String(error));
      }
    }
    default:
      return readMessage(reader, type);
  }
}

/** A map entry {1: key, 2: value}; unknown entry fields are skipped, as the generated code does. */
function readEntry(reader: Reader, valueType: string): [string, unknown] {
  let key = "";
  let value: unknown = valueType === "string" || valueType === "bytes" ? "" : valueType === "Quantity" ? "0" : {};
  while (!reader.done) {
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (number === 1 && wire === 2) key = text(reader.delimited().rest());
    else if (number === 2 && wire === 2) value = readValue(reader, valueType);
    else reader.skip(wire);
  }
  return [key, value];
}

/** A message's fields into a JSON object; a field sent twice is merged or replaced, as Go's Unmarshal does. */
function readMessage(reader: Reader, message: string, rows?: Readonly<Record<number, string>>, into: Record<string, unknown> = {}): Record<string, unknown> {
  const fields = fieldsOf(message, rows);
  while (!reader.done) {
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 4) throw new ProtobufError(`proto: ${message}: wiretype end group for non-group`);
    if (number <= 0) throw new ProtobufError(`proto: ${message}: illegal tag ${number} (wire type ${tag})`);
    const field = fields.get(number);
    if (!field) {
      reader.skip(wire);
      continue;
    }
    // A packed repeated number (wire type 2) is also read, as the generated code reads both forms.
    const packed = field.repeated && wire === 2 && wireTypeOf(field) === 0;
    if (wire !== wireTypeOf(field) && !packed) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${field.go}`);
    if (field.map) {
      const map = (into[field.json] ??= {}) as Record<string, unknown>;
      const [key, value] = readEntry(reader.delimited(), field.type);
      map[key] = value;
    } else if (packed) {
      const list = (into[field.json] ??= []) as unknown[];
      const inner = reader.delimited();
      while (!inner.done) list.push(readValue(inner, field.type));
    } else if (field.repeated) {
      ((into[field.json] ??= []) as unknown[]).push(readValue(reader, field.type));
    } else if (field.json === "") {
      // An embedded struct (json:",inline"): its fields are the parent's.
      readMessage(reader.delimited(), field.type, undefined, into);
    } else if (isPlainMessage(field.type) && isObject(into[field.json])) {
      readMessage(reader.delimited(), field.type, undefined, into[field.json] as Record<string, unknown>);
    } else {
      into[field.json] = readValue(reader, field.type);
    }
  }
  if (!rows) writeZeroValues(fields, into);
  return into;
}

function isPlainMessage(type: string): boolean {
  return MESSAGES[type] !== undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * What encoding/json writes for fields the wire left out: a struct that is not a pointer as `{}`
 * and the zero of a field without omitempty. Absent pointers, lists and maps stay absent (null in
 * Go's JSON, the same as absent to every decoder after this one).
 */
function writeZeroValues(fields: Map<number, Field>, into: Record<string, unknown>): void {
  for (const field of fields.values()) {
    if (field.json === "" || field.pointer || field.repeated || field.map) continue;
    // Go writes a field that is not a pointer even when it holds its zero ("" for an unset
    // restartPolicy): decoded, it is the zero, which omitempty leaves out of the JSON.
    if (into[field.json] !== undefined) {
      if (!field.always && into[field.json] === zeroOf(field.type)) delete into[field.json];
      continue;
    }
    if (isPlainMessage(field.type)) into[field.json] = writeZeroValuesOf(field.type);
    // metav1.Time's zero is null in JSON (creationTimestamp: null), written whatever the tag says.
    else if (field.type === "Time") into[field.json] = null;
    else if (field.always) {
      const zero = zeroOf(field.type);
      if (zero !== undefined) into[field.json] = zero;
    }
  }
}

function writeZeroValuesOf(message: string): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  writeZeroValues(fieldsOf(message), object);
  return object;
}

function zeroOf(type: string): unknown {
  if (type === "string") return "";
  if (type === "int32" || type === "int64" || type === "float64") return 0;
  if (type === "bool") return false;
  if (type === "IntOrString") return 0;
  if (type === "Quantity") return "0";
  return undefined;
}

/** runtime.Unknown's parts: the kind it names and the kind's message, still encoded. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/**
 * The magic and the envelope (protobuf.go Serializer.Decode). Errors carry the serializer's text;
 * the caller words them as the create handler's transformDecodeError does.
 */
export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new ProtobufError("empty data");
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(" ")}]`);
  }
  if (body.length === MAGIC.length) throw new ProtobufError("empty body");
  const envelope = readMessage(new Reader(body, MAGIC.length), "Unknown");
  const typeMeta = envelope.typeMeta as { apiVersion?: string; kind?: string };
  return { apiVersion: typeMeta.apiVersion ?? "", kind: typeMeta.kind ?? "", raw: (envelope.raw as Uint8Array | undefined) ?? new Uint8Array() };
}

/** Whether the decoder has the kind's message (the kinds kubectl writes as protobuf, and DeleteOptions). */
export function hasProtobufSchema(kind: string): boolean {
  return KINDS.has(kind);
}

/** The kinds (top-level messages) of the tables: the others are their parts, no kind of their own. */
const KINDS: ReadonlySet<string> = new Set(["ConfigMap", "Secret", "Namespace", "Service", "ServiceAccount", "ResourceQuota", "Deployment", "Job", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Ingress", "Pod", "DeleteOptions"]);

/** The kind's message as the JSON object encoding/json would write for it, without apiVersion and kind. */
export function decodeKindMessage(kind: string, raw: Uint8Array): Record<string, unknown> {
  return readMessage(new Reader(raw), kind);
}

/** apiserver's summarizeData: the body's first 30 bytes, in hex (a protobuf body is not `{`). */
export function summarizeBody(body: Uint8Array): string {
  if (body.length === 0) return "<empty>";
  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  if (body[0] === 0x7b) {
    return body.length > 30 ? `${text(body.subarray(0, 30))} ...` : text(body);
  }
  return body.length > 30 ? `${hex(body.subarray(0, 30))} ...` : hex(body);
}
