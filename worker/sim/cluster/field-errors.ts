// field.Error texts (apimachinery pkg/util/validation/field) and the name/label/port validators
// (pkg/util/validation) with their exact messages.
import type { StatusCause } from "./api-status.ts";

/** How field.Error prints a value: strings quoted (%q), numbers bare, the rest Go-%#v-like. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return `[]string{${value.map((v) => JSON.stringify(v)).join(", ")}}`;
  if (typeof value === "object" && Object.values(value).every((v) => typeof v === "string")) {
    const record = value as Record<string, string>;
    return `map[string]string{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(record[k])}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

export const fieldInvalid = (field: string, value: unknown, detail: string): StatusCause => ({
  field,
  message: `Invalid value: ${formatValue(value)}: ${detail}`,
});

export const fieldRequired = (field: string, detail = ""): StatusCause => ({
  field,
  message: detail ? `Required value: ${detail}` : "Required value",
});

export const fieldNotSupported = (field: string, value: unknown, supported: readonly string[]): StatusCause => ({
  field,
  message: `Unsupported value: ${formatValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
});

export const fieldForbidden = (field: string, detail: string): StatusCause => ({ field, message: `Forbidden: ${detail}` });

export const fieldDuplicate = (field: string, value: unknown): StatusCause => ({ field, message: `Duplicate value: ${formatValue(value)}` });

function regexError(message: string, regex: string, examples: string[]): string {
  // validation.RegexError: note the double space before "or", kept from the Go source.
  return `${message} (e.g. ${examples.map((e) => `'${e}'`).join(",  or ")}, regex used for validation is '${regex}')`;
}

const maxLen = (n: number): string => `must be no more than ${n} characters`;

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL}$`);
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const dns1035LabelRe = new RegExp(`^${DNS1035_LABEL}$`);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!dns1123LabelRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL, ["my-name", "123-abc"]));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLen(253));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN, ["example.com"]));
  }
  return errs;
}

const CONFIG_MAP_KEY = "[-._a-zA-Z0-9]+";
const configMapKeyRe = new RegExp(`^${CONFIG_MAP_KEY}$`);

/** IsConfigMapKey: a key of a ConfigMap's or a Secret's data (a file name when mounted). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLen(253));
  if (!configMapKeyRe.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY, ["key.name", "KEY_NAME", "key-name"]));
  }
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL, ["my-name", "abc-123"]));
  }
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(name)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter (a-z)");
  if (name.includes("--")) errs.push("must not contain consecutive hyphens");
  if (name.length > 0 && (name.startsWith("-") || name.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

const QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME}$`);
const LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const labelValueRe = new RegExp(`^${LABEL_VALUE}$`);

export function isQualifiedName(value: string): string[] {
  const parts = value.split("/");
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const e of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  } else if (parts.length > 2) {
    return [regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, ["MyName", "my.name", "123-abc"]) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, ["MyName", "my.name", "123-abc"])}`);
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, ["MyValue", "my_value", "12345"]));
  }
  return errs;
}

/** ValidateLabels: keys as qualified names, values as label values. */
export function validateLabels(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== "object" || Array.isArray(labels)) return [fieldInvalid(field, labels, "must be a map of string keys to string values")];
  const out: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const e of isQualifiedName(key)) out.push(fieldInvalid(field, key, e));
    if (typeof value !== "string") out.push(fieldInvalid(field, value, "must be a string"));
    else for (const e of isValidLabelValue(value)) out.push(fieldInvalid(field, value, e));
  }
  return out;
}
