// Command-line flags with spf13/pflag semantics, as kubectl parses them: long (`--name=v`,
// `--name v`) and short (`-n v`, `-nv`, `-n=v`, grouped bools `-it`), `--` ending the flags,
// flags and arguments interleaved. Errors carry pflag's exact text; kubectl adds the
// "See 'kubectl <cmd> --help' for usage." line.

export type FlagType = "bool" | "string" | "int" | "stringArray" | "stringSlice" | "duration";

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Shown by --help. */
  usage?: string;
  /** pflag's NoOptDefVal: the value a flag takes when written without one (e.g. --dry-run). */
  noOptDefault?: string;
  defaultValue?: string;
}

export type FlagValue = string | boolean | number | string[];

export interface ParsedFlags {
  values: Map<string, FlagValue>;
  /** Flags the user set explicitly. */
  changed: Set<string>;
  args: string[];
  /** Index into args of the first argument after `--`, or -1 (cobra's ArgsLenAtDash). */
  argsLenAtDash: number;
}

export type FlagParse = { ok: true; flags: ParsedFlags } | { ok: false; error: string };

export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();
  private readonly byShort = new Map<string, FlagSpec>();

  constructor(readonly specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      this.byName.set(spec.name, spec);
      if (spec.short) this.byShort.set(spec.short, spec);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  lookupLong(name: string): FlagSpec | undefined {
    return this.byName.get(name);
  }

  lookupShort(short: string): FlagSpec | undefined {
    return this.byShort.get(short);
  }

  parse(argv: readonly string[]): FlagParse {
    const values = new Map<string, FlagValue>();
    const changed = new Set<string>();
    const args: string[] = [];
    let argsLenAtDash = -1;

    const set = (spec: FlagSpec, raw: string, shown: string): string | undefined => {
      const converted = convert(spec, raw, shown, values.get(spec.name));
      if (typeof converted === "object" && converted !== null && "error" in converted) return converted.error;
      values.set(spec.name, converted as FlagValue);
      changed.add(spec.name);
      return undefined;
    };

    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "--") {
        argsLenAtDash = args.length;
        args.push(...argv.slice(i + 1));
        break;
      }
      if (a.startsWith("--") && a.length > 2) {
        const eq = a.indexOf("=");
        const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        const spec = this.byName.get(name);
        if (!spec) return { ok: false, error: `unknown flag: --${name}` };
        let value: string;
        if (eq >= 0) value = a.slice(eq + 1);
        else if (spec.type === "bool") value = "true";
        else if (spec.noOptDefault !== undefined) value = spec.noOptDefault;
        else if (i + 1 < argv.length) value = argv[++i];
        else return { ok: false, error: `flag needs an argument: --${name}` };
        const error = set(spec, value, shownName(spec, false));
        if (error) return { ok: false, error };
        continue;
      }
      if (a.startsWith("-") && a.length > 1 && !a.startsWith("--")) {
        let shorthands = a.slice(1);
        while (shorthands.length > 0) {
          const c = shorthands[0];
          const spec = this.byShort.get(c);
          if (!spec) return { ok: false, error: `unknown shorthand flag: '${c}' in ${a}` };
          let value: string;
          let rest = shorthands.slice(1);
          if (rest.startsWith("=")) {
            value = rest.slice(1);
            rest = "";
          } else if (spec.type === "bool" || spec.noOptDefault !== undefined) {
            value = spec.type === "bool" ? "true" : spec.noOptDefault!;
          } else if (rest.length > 0) {
            value = rest;
            rest = "";
          } else if (i + 1 < argv.length) {
            value = argv[++i];
          } else {
            return { ok: false, error: `flag needs an argument: '${c}' in -${c}` };
          }
          const error = set(spec, value, shownName(spec, true));
          if (error) return { ok: false, error };
          shorthands = rest;
        }
        continue;
      }
      args.push(a);
    }
    return { ok: true, flags: { values, changed, args, argsLenAtDash } };
  }
}

function shownName(spec: FlagSpec, _short: boolean): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function convert(spec: FlagSpec, raw: string, shown: string, previous: FlagValue | undefined): FlagValue | { error: string } {
  const invalid = (detail: string) => ({ error: `invalid argument "${raw}" for "${shown}" flag: ${detail}` });
  switch (spec.type) {
    case "bool": {
      const parsed = parseGoBool(raw);
      if (parsed === undefined) return invalid(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
      return parsed;
    }
    case "int": {
      if (!/^[+-]?\d+$/.test(raw.replace(/_/g, ""))) return invalid(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      const n = Number(raw.replace(/_/g, ""));
      if (!Number.isSafeInteger(n) || Math.abs(n) > 2147483647) return invalid(`strconv.ParseInt: parsing "${raw}": value out of range`);
      return n;
    }
    case "stringArray":
      return [...((previous as string[] | undefined) ?? []), raw];
    case "stringSlice":
      return [...((previous as string[] | undefined) ?? []), ...(raw === "" ? [] : raw.split(","))];
    case "duration": {
      if (parseGoDuration(raw) === undefined) return invalid(`time: invalid duration "${raw}"`);
      return raw;
    }
    case "string":
      return raw;
  }
}

function parseGoBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

/** Go's time.ParseDuration, in milliseconds ("30s", "1m30s", "0"). */
export function parseGoDuration(raw: string): number | undefined {
  if (raw === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let text = raw;
  let sign = 1;
  if (text.startsWith("-") || text.startsWith("+")) {
    sign = text.startsWith("-") ? -1 : 1;
    text = text.slice(1);
  }
  if (text === "") return undefined;
  let total = 0;
  let pos = 0;
  re.lastIndex = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    pos = re.lastIndex;
  }
  return sign * total;
}

/** Typed accessors over parsed flags with their defaults. */
export class Flags {
  constructor(
    private readonly parsed: ParsedFlags,
    private readonly set: FlagSet,
  ) {}

  get args(): string[] {
    return this.parsed.args;
  }

  get argsLenAtDash(): number {
    return this.parsed.argsLenAtDash;
  }

  /** True when the command defines this flag. */
  has(name: string): boolean {
    return this.set.has(name);
  }

  changed(name: string): boolean {
    return this.parsed.changed.has(name);
  }

  string(name: string): string {
    const v = this.parsed.values.get(name);
    if (typeof v === "string") return v;
    return this.set.lookupLong(name)?.defaultValue ?? "";
  }

  bool(name: string): boolean {
    const v = this.parsed.values.get(name);
    if (typeof v === "boolean") return v;
    return this.set.lookupLong(name)?.defaultValue === "true";
  }

  int(name: string): number {
    const v = this.parsed.values.get(name);
    if (typeof v === "number") return v;
    return Number(this.set.lookupLong(name)?.defaultValue ?? "0");
  }

  list(name: string): string[] {
    const v = this.parsed.values.get(name);
    return Array.isArray(v) ? v : [];
  }
}
