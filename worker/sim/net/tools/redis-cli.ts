// redis-cli (the redis image's client) with one command on its line: `redis-cli -h db ping`,
// `redis-cli -h db set k v`. The reply is printed as redis-cli prints it: quoted strings,
// `(integer) 1`, `(nil)`, `(error) ...` on a terminal, and raw values (one per line) when
// standard output is not a terminal (a pipe, `kubectl exec` without -t), as redis-cli does.

import type { ProgramContext } from "../../shell/types.ts";
import { runRedisCommand, type RedisReply } from "../apps/redis-server.ts";
import { readServerData, writeServerData } from "../apps/server-data.ts";
import { clientPlace, dbConnect } from "./db-client.ts";

/** sdscatrepr: the quoted form of a string on a terminal. */
function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += encodeURIComponent(ch).replace(/%([0-9A-F]{2})/g, (_, hex: string) => `\\x${hex.toLowerCase()}`);
  }
  return `${out}"`;
}

/** cliFormatReplyTTY. */
function formatTty(reply: RedisReply, indent = ""): string {
  switch (reply.type) {
    case "status":
      return `${reply.text}\n`;
    case "string":
      return `${quote(reply.text)}\n`;
    case "nil":
      return "(nil)\n";
    case "integer":
      return `(integer) ${reply.value}\n`;
    case "error":
      return `(error) ${reply.text}\n`;
    case "array": {
      if (reply.items.length === 0) return "(empty array)\n";
      const width = String(reply.items.length).length;
      return reply.items
        .map((item, i) => {
          const prefix = `${String(i + 1).padStart(width)}) `;
          return `${i === 0 ? "" : indent}${prefix}${formatTty(item, indent + " ".repeat(prefix.length))}`;
        })
        .join("");
    }
  }
}

/** cliFormatReplyRaw, then the command delimiter. */
function formatRaw(reply: RedisReply): string {
  switch (reply.type) {
    case "status":
    case "string":
      return reply.text;
    case "nil":
      return "";
    case "integer":
      return String(reply.value);
    case "error":
      return reply.text;
    case "array":
      return reply.items.map(formatRaw).join("\n");
  }
}

export function redisCli(ctx: ProgramContext): number {
  let host = "127.0.0.1";
  let port = 6379;
  let password: string | undefined;
  let raw: boolean | undefined;
  let authWarning = true;
  const argv = ctx.argv;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === "-h" && i + 1 < argv.length) host = value();
    else if (a === "-p" && i + 1 < argv.length) {
      const p = value();
      port = /^\d+$/.test(p) ? Number(p) : 0;
    } else if (a === "-a" && i + 1 < argv.length) password = value();
    else if (a === "-n" && i + 1 < argv.length) value();
    else if (a === "--raw") raw = true;
    else if (a === "--no-raw") raw = false;
    else if (a === "--no-auth-warning") authWarning = false;
    else if (a.startsWith("-") && a.length > 1) {
      ctx.err(`Unrecognized option or bad number of args for: '${a}'\n`);
      return 1;
    } else break;
  }
  const command = argv.slice(i);
  if (password !== undefined && authWarning) ctx.err("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
  if (command.length === 0) {
    ctx.err("redis-cli: its interactive prompt is not simulated here; give the command on the line, e.g. redis-cli -h db ping\n");
    return 1;
  }
  const place = clientPlace(ctx);
  if (!place) return 1;
  const outcome = dbConnect(ctx, place, host, port, "redis");
  const cannot = (why: string) => {
    ctx.err(`Could not connect to Redis at ${host}:${port}: ${why}\n`);
    return 1;
  };
  if (outcome.kind === "not-resolved") return cannot("Name or service not known");
  if (outcome.kind === "refused") return cannot("Connection refused");
  if (outcome.kind === "timed-out") return cannot("Connection timed out");
  if (outcome.kind === "other-protocol") {
    outcome.connection.finish("answered", `${outcome.connection.listener.label} does not speak the redis protocol: redis-cli cannot read its reply.`);
    ctx.err("Error: Protocol error, got \"H\" as reply type byte\n");
    return 1;
  }
  const { connection } = outcome;
  const { podKey, container } = connection.listener;
  if (password !== undefined) {
    // The image's redis has no password: AUTH fails and redis-cli goes on without it.
    ctx.err("AUTH failed: ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\n");
  }
  const data = readServerData(ctx.tx, podKey, container) ?? { containerID: "" };
  let { reply, keys } = runRedisCommand(data.keys ?? {}, command);
  if (keys && !writeServerData(ctx.tx, podKey, container, { ...data, keys })) {
    reply = { type: "error", text: "OOM command not allowed when used memory > 'maxmemory'." };
  }
  connection.finish("answered", `${connection.listener.label} ran ${command[0].toUpperCase()} and replied${reply.type === "error" ? ` with an error: ${reply.text}` : "."}`);
  const useRaw = raw ?? ctx.stdoutIsTerminal === false;
  ctx.out(useRaw ? `${formatRaw(reply)}\n` : formatTty(reply));
  return reply.type === "error" ? 1 : 0;
}
