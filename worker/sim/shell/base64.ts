// base64 (GNU coreutils on the workstation, the nodes and Debian-based images; busybox's applet
// in busybox and alpine): encodes standard input, wrapped at 76 columns unless -w says otherwise,
// or decodes it with -d. Files do not exist in this console, so a file argument is not found.
import { decodeBase64Bytes, encodeBase64, utf8Text } from "../base64.ts";
import type { ProgramContext } from "./types.ts";

export function base64(ctx: ProgramContext): number {
  let decode = false;
  let wrap = 76;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-d" || a === "--decode") decode = true;
    else if (a === "-w" || a.startsWith("--wrap=") || /^-w\d+$/.test(a)) {
      const value = a === "-w" ? args[++i] : a.startsWith("--wrap=") ? a.slice(7) : a.slice(2);
      if (value === undefined) {
        ctx.err("base64: option requires an argument -- 'w'\nTry 'base64 --help' for more information.\n");
        return 1;
      }
      if (!/^\d+$/.test(value)) {
        ctx.err(`base64: invalid wrap size: ‘${value}’\n`);
        return 1;
      }
      wrap = Number(value);
    } else if (a.startsWith("-") && a !== "-") {
      ctx.err(`base64: invalid option -- '${a.replace(/^-+/, "")[0]}'\nTry 'base64 --help' for more information.\n`);
      return 1;
    } else if (a !== "-") {
      ctx.err(`base64: ${a}: No such file or directory\n`);
      return 1;
    }
  }
  const input = ctx.stdin ?? "";
  if (decode) {
    const decoded = decodeBase64Bytes(input.replace(/\n+$/, ""));
    if (!decoded.ok) {
      // coreutils writes what it decoded before the bad byte, then fails.
      const good = decodeBase64Bytes(input.slice(0, decoded.at - (decoded.at % 4)));
      if (good.ok) ctx.out(utf8Text(good.bytes));
      ctx.err("base64: invalid input\n");
      return 1;
    }
    ctx.out(utf8Text(decoded.bytes));
    return 0;
  }
  const encoded = encodeBase64(input);
  if (encoded === "") return 0;
  const lines = wrap === 0 ? [encoded] : (encoded.match(new RegExp(`.{1,${wrap}}`, "g")) ?? []);
  ctx.out(lines.join("\n") + "\n");
  return 0;
}
