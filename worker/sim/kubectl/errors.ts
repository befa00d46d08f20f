// How kubectl prints a failure (kubectl pkg/cmd/util/helpers.go checkErr and friends).

import type { ApiStatus } from "../cluster/api-status.ts";

/** API status errors: `Error from server (Reason): msg`, except Invalid, which has its own form. */
export function statusErrorText(status: ApiStatus): string {
  if (status.reason === "Invalid") {
    const details = status.details;
    if (!details) return `The request is invalid${status.message ? `: ${status.message}` : ""}\n`;
    let prefix = "The request is invalid";
    if (details.kind || details.name) prefix = `The ${details.kind} "${details.name}" is invalid`;
    const causes = (details.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    if (causes.length === 0) return `${prefix}${!details.kind && !details.name && status.message ? `: ${status.message}` : ""}\n`;
    if (causes.length === 1) return `${prefix}: ${causes[0]}\n`;
    return `${prefix}: \n${causes.map((c) => `* ${c}\n`).join("")}`;
  }
  return `Error from server (${status.reason}): ${status.message}\n`;
}

/** Any other error: `error: ` is added unless already there. */
export function errorText(message: string): string {
  const text = message.startsWith("error: ") ? message : `error: ${message}`;
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** cmdutil.UsageErrorf. */
export function usageErrorText(commandPath: string, message: string): string {
  return `error: ${message}\nSee '${commandPath} -h' for help and examples\n`;
}

/** kubectl's FlagErrorFunc. */
export function flagErrorText(commandPath: string, message: string): string {
  return `error: ${message}\nSee '${commandPath} --help' for usage.\n`;
}
