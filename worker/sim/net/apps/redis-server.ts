// What redis-server answers to a command, over its keyspace of strings: the replies and error
// texts of redis's own command table (src/server.c, t_string.c, db.c) for the commands simulated.

import { byteLength } from "../http.ts";

export type RedisReply =
  | { type: "status"; text: string }
  | { type: "string"; text: string }
  | { type: "nil" }
  | { type: "integer"; value: number }
  | { type: "error"; text: string }
  | { type: "array"; items: RedisReply[] };

export interface RedisResult {
  reply: RedisReply;
  /** The keyspace after a write; undefined when the command changed nothing. */
  keys?: Record<string, string>;
}

const OK: RedisReply = { type: "status", text: "OK" };
const NOT_INTEGER: RedisReply = { type: "error", text: "ERR value is not an integer or out of range" };

/** Arity as in redis's command table: n exact, -n at least n (the command name counts). */
const ARITY: Record<string, number> = {
  ping: -1, echo: 2, set: -3, get: 2, del: -2, exists: -2, keys: 2, incr: 2, decr: 2, incrby: 3, decrby: 3,
  append: 3, strlen: 2, dbsize: 1, flushall: -1, flushdb: -1, type: 2, ttl: 2, mget: -2, setnx: 3,
};

/** redis's stringmatchlen for KEYS: *, ?, [...] and backslash escapes. */
function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (set.startsWith("^")) set = `^${set.slice(1)}`;
        out += `[${set}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

function toInteger(text: string): number | undefined {
  return /^-?\d{1,18}$/.test(text) ? Number(text) : undefined;
}

export function runRedisCommand(keys: Readonly<Record<string, string>>, argv: readonly string[]): RedisResult {
  const name = (argv[0] ?? "").toLowerCase();
  const arity = ARITY[name];
  if (arity === undefined) {
    const args = argv.slice(1, 21).map((a) => `'${a}' `).join("");
    return { reply: { type: "error", text: `ERR unknown command '${argv[0] ?? ""}', with args beginning with: ${args}` } };
  }
  if ((arity > 0 && argv.length !== arity) || (arity < 0 && argv.length < -arity)) {
    return { reply: { type: "error", text: `ERR wrong number of arguments for '${name}' command` } };
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(keys, k);
  const addBy = (k: string, by: number): RedisResult => {
    const current = has(k) ? toInteger(keys[k]) : 0;
    if (current === undefined) return { reply: NOT_INTEGER };
    const value = current + by;
    return { reply: { type: "integer", value }, keys: { ...keys, [k]: String(value) } };
  };
  switch (name) {
    case "ping":
      if (argv.length > 2) return { reply: { type: "error", text: "ERR wrong number of arguments for 'ping' command" } };
      return { reply: argv.length === 2 ? { type: "string", text: argv[1] } : { type: "status", text: "PONG" } };
    case "echo":
      return { reply: { type: "string", text: argv[1] } };
    case "set": {
      let nx = false;
      let xx = false;
      for (const option of argv.slice(3).map((a) => a.toLowerCase())) {
        if (option === "nx") nx = true;
        else if (option === "xx") xx = true;
        else return { reply: { type: "error", text: "ERR syntax error" } };
      }
      if (nx && xx) return { reply: { type: "error", text: "ERR syntax error" } };
      if ((nx && has(argv[1])) || (xx && !has(argv[1]))) return { reply: { type: "nil" } };
      return { reply: OK, keys: { ...keys, [argv[1]]: argv[2] } };
    }
    case "setnx":
      if (has(argv[1])) return { reply: { type: "integer", value: 0 } };
      return { reply: { type: "integer", value: 1 }, keys: { ...keys, [argv[1]]: argv[2] } };
    case "get":
      return { reply: has(argv[1]) ? { type: "string", text: keys[argv[1]] } : { type: "nil" } };
    case "mget":
      return { reply: { type: "array", items: argv.slice(1).map((k) => (has(k) ? { type: "string", text: keys[k] } : { type: "nil" })) } };
    case "del": {
      const next = { ...keys };
      let removed = 0;
      for (const k of argv.slice(1)) if (Object.prototype.hasOwnProperty.call(next, k)) (delete next[k], removed++);
      return { reply: { type: "integer", value: removed }, keys: removed ? next : undefined };
    }
    case "exists":
      return { reply: { type: "integer", value: argv.slice(1).filter(has).length } };
    case "keys": {
      const re = globToRegExp(argv[1]);
      return { reply: { type: "array", items: Object.keys(keys).filter((k) => re.test(k)).map((text) => ({ type: "string", text })) } };
    }
    case "incr":
      return addBy(argv[1], 1);
    case "decr":
      return addBy(argv[1], -1);
    case "incrby":
    case "decrby": {
      const by = toInteger(argv[2]);
      if (by === undefined) return { reply: NOT_INTEGER };
      return addBy(argv[1], name === "incrby" ? by : -by);
    }
    case "append": {
      const value = (has(argv[1]) ? keys[argv[1]] : "") + argv[2];
      return { reply: { type: "integer", value: byteLength(value) }, keys: { ...keys, [argv[1]]: value } };
    }
    case "strlen":
      return { reply: { type: "integer", value: has(argv[1]) ? byteLength(keys[argv[1]]) : 0 } };
    case "dbsize":
      return { reply: { type: "integer", value: Object.keys(keys).length } };
    case "flushall":
    case "flushdb":
      return { reply: OK, keys: {} };
    case "type":
      return { reply: { type: "status", text: has(argv[1]) ? "string" : "none" } };
    case "ttl":
      // No key expires here: -1 for a key without a TTL, -2 for a missing key.
      return { reply: { type: "integer", value: has(argv[1]) ? -1 : -2 } };
    default:
      return { reply: { type: "error", text: `ERR unknown command '${argv[0]}'` } };
  }
}
