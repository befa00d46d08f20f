// bind's dig in the DNS debugging images (bin/dig/dig.c and dighost.c are the specification): the
// command line parsed as parse_args does it (global options before the first name, per-lookup ones
// after it, several names on one line each a lookup of its own, `@server`, `-t -c -p -q -x`, a bare
// type or class word), each question sent through the data plane as any DNS packet is (dns.ts
// queryServer) and printed as printmessage and received() print it: the `; <<>> DiG` greeting, the
// HEADER and flags lines (CoreDNS's kubernetes answers are authoritative and do not offer
// recursion, hence dig's WARNING), the OPT pseudosection, each non-empty section in master-file
// columns (masterdump.c's indent: name, TTL at 24, class at 32, type at 40, data at 48; 24/32/40
// without TTL or class), then the statistics. `+[no]all`, `+[no]question|answer|authority|additional`,
// `+[no]comments`, `+[no]stats`, `+[no]cmd`, `+[no]ttlid`, `+[no]class`, `+short`, `+identify`,
// `+[no]recurse`, `+[no]edns`, `+[no]cookie`, `+bufsize`, `+tcp`/`+vc`, `+tries`/`+retry`,
// `+[no]search`, `+showsearch`, `+ndots`, `+domain` change what is asked and printed as there; a
// misspelt option is `Invalid option: +foo` with the usage. The version follows the image:
// jessie-dnsutils has Debian jessie's 9.9.5, netshoot a 9.18 (its SERVER line names the server as
// given and the transport, its EDNS buffer is 1232, it echoes the server's cookie and it reports
// each failed try as a communications error).

import { fnv32a } from "../../cluster/ids.ts";
import { dnsMessageSize, type DnsReply, type Record } from "../coredns.ts";
import { candidateNames, queryServer, resolvConf, resolveHost, usesClusterDNS, type DnsQueryResult } from "../dns.ts";
import { netIndex } from "../index.ts";
import { isIPv4 } from "../ip.ts";
import type { ProgramContext } from "../../shell/types.ts";
import { currentPlace, imageOf } from "./where.ts";

/** dns_rdatatype_fromtext's mnemonics (bind's rdata types and meta-types). */
const TYPES = new Set(
  "A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT RP AFSDB X25 ISDN RT NSAP NSAP-PTR SIG KEY PX GPOS AAAA LOC NXT EID NIMLOC SRV ATMA NAPTR KX CERT A6 DNAME SINK OPT APL DS SSHFP IPSECKEY RRSIG NSEC DNSKEY DHCID NSEC3 NSEC3PARAM TLSA SMIMEA HIP NINFO RKEY TALINK CDS CDNSKEY OPENPGPKEY CSYNC ZONEMD SVCB HTTPS SPF UINFO UID GID UNSPEC NID L32 L64 LP EUI48 EUI64 TKEY TSIG IXFR AXFR MAILB MAILA ANY URI CAA AVC DOA AMTRELAY TA DLV".split(" "),
);
/** dns_rdataclass_fromtext's classes. */
const CLASSES = new Map([["IN", "IN"], ["CH", "CH"], ["CHAOS", "CH"], ["HS", "HS"], ["HESIOD", "HS"], ["NONE", "NONE"], ["ANY", "ANY"]]);

function rdatatype(text: string): string | undefined {
  const upper = text.toUpperCase();
  if (TYPES.has(upper)) return upper;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  return generic && Number(generic[1]) <= 65535 ? upper : undefined;
}

function rdataclass(text: string): string | undefined {
  const upper = text.toUpperCase();
  const generic = /^CLASS(\d{1,5})$/.exec(upper);
  return CLASSES.get(upper) ?? (generic && Number(generic[1]) <= 65535 ? upper : undefined);
}

interface Flavor {
  version: string;
  udp: number;
  cookie: boolean;
  /** 9.18 names the server as given and the transport on the SERVER line. */
  modern: boolean;
}

const JESSIE: Flavor = { version: "9.9.5-9+deb8u19-Debian", udp: 4096, cookie: false, modern: false };
/** The +options 9.9.5's plus_option knows (its FULLCHECKs): the newer ones (+cookie, +class, +yaml, ...) are invalid there. */
const OPTIONS_9_9_5 = new Set(
  "aaflag aaonly additional adflag all answer authority besteffort bufsize cdflag cl cmd comments debug defname dnssec domain edns fail identify ignore keepopen multiline ndots nsid nssearch onesoa qr question recurse retries retry rrcomments search short showsearch sigchase split stats tcp timeout topdown trace tries trusted-key ttlid vc".split(" "),
);
const MODERN: Flavor = { version: "9.18.33", udp: 1232, cookie: true, modern: true };

const USAGE =
  "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse \"dig -h\" (or \"dig -h | more\") for complete list of options\n";

/** dig.c's single_dash_opts (no value) and dash_opts (a value, in the option or the next word). */
const SINGLE_DASH = "46dhimnruv";
const DASH = "46bcdfhikmnpqrtvyx";

interface Server {
  ip: string;
  /** The server as the user gave it (9.18's SERVER line shows it in parentheses). */
  userarg: string;
}

/** A dig_lookup_t: what one question asks and how its answer is printed. */
interface Lookup {
  name: string;
  type: string;
  typeSet: boolean;
  cls: string;
  servers: Server[];
  question: boolean;
  answer: boolean;
  authority: boolean;
  additional: boolean;
  comments: boolean;
  stats: boolean;
  nottl: boolean;
  noclass: boolean;
  recurse: boolean;
  tcp: boolean;
  tcpSet: boolean;
  identify: boolean;
  edns: boolean;
  cookie: boolean;
  bufsize: number | undefined;
  tries: number;
  /** The greeting printgreeting gave the first lookup (printed with its first message, then cleared). */
  cmdline: string;
}

class Exit {
  constructor(readonly code: number) {}
}

/** FULLCHECK: `cmd` is a prefix (of at least the characters the switch looked at) of one of the names. */
function full(cmd: string, ...names: string[]): boolean {
  return names.some((n) => cmd.length <= n.length && n.startsWith(cmd.toLowerCase()));
}

/** isc_parse_uint32 and dig's parse_uint: the value, or its error printed as parse_uint prints it. */
function parseUint(ctx: ProgramContext, value: string, max: number, desc: string): number | undefined {
  const ok = /^\d+$/.test(value) && Number(value) <= 0xffffffff;
  const result = !ok ? (/^\d+$/.test(value) ? "out of range" : "bad number") : Number(value) > max ? "out of range" : undefined;
  if (result) {
    ctx.out(`invalid ${desc} '${value}': ${result}\n`);
    return undefined;
  }
  return Number(value);
}

/** get_reverse: an IPv4 or IPv6 address as its in-addr.arpa or ip6.arpa name. */
function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split(".").reverse().join(".")}.in-addr.arpa.`;
  if (!/^[0-9a-fA-F:]+$/.test(ip) || !ip.includes(":")) return undefined;
  const halves = ip.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0 || [...head, ...tail].some((g) => g.length === 0 || g.length > 4)) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  return `${groups.map((g) => g.padStart(4, "0")).join("").toLowerCase().split("").reverse().join(".")}.ip6.arpa.`;
}

/** bind's indent(): tabs to the tab stop before `to`, then spaces; at least one space. */
function indent(column: number, to: number): [string, number] {
  const target = Math.max(to, column + 1);
  const tabs = Math.floor(target / 8) - Math.floor(column / 8);
  let text = "";
  let at = column;
  if (tabs > 0) {
    text += "\t".repeat(tabs);
    at = Math.floor(target / 8) * 8;
  }
  text += " ".repeat(target - at);
  return [text, target];
}

/** The style's columns (dig.c printmessage): TTL, class, type, rdata. */
function columns(l: Lookup): [number, number, number, number] {
  if (l.nottl && l.noclass) return [24, 24, 24, 32];
  if (l.nottl || l.noclass) return [24, 24, 32, 40];
  return [24, 32, 40, 48];
}

function recordLine(r: Record, l: Lookup): string {
  const [ttlAt, classAt, typeAt, dataAt] = columns(l);
  let line = r.name;
  let column = r.name.length;
  const fields: Array<[string, number]> = [...(l.nottl ? [] : [[String(r.ttl), ttlAt] as [string, number]]), ...(l.noclass ? [] : [["IN", classAt] as [string, number]]), [r.type, typeAt]];
  for (const [value, to] of fields) {
    const [pad, at] = indent(column, to);
    line += pad + value;
    column = at + value.length;
  }
  const [pad] = indent(column, dataAt);
  return `${line}${pad}${r.data}\n`;
}

function questionLine(name: string, l: Lookup): string {
  // The leading ';' is not counted in the columns.
  const [, classAt, typeAt] = columns(l);
  let line = `;${name}`;
  let column = name.length;
  if (!l.noclass) {
    const [pad, at] = indent(column, classAt);
    line += `${pad}${l.cls}`;
    column = at + l.cls.length;
  }
  const [pad] = indent(column, typeAt);
  return `${line}${pad}${l.type}\n`;
}

/** What the kubernetes plugin puts in the authority section: its zone's SOA on NXDOMAIN and NODATA. */
function authorityOf(reply: DnsReply): Record[] {
  return reply.soa && (reply.rcode === "NXDOMAIN" || (reply.rcode === "NOERROR" && reply.answers.length === 0)) ? [reply.soa] : [];
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** dig's WHEN line (the container's clock is UTC): `Tue Jun 18 16:26:17 UTC 2024`. */
function when(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function defaultLookup(flavor: Flavor): Lookup {
  return {
    name: "",
    type: "A",
    typeSet: false,
    cls: "IN",
    servers: [],
    question: true,
    answer: true,
    authority: true,
    additional: true,
    comments: true,
    stats: true,
    nottl: false,
    noclass: false,
    recurse: true,
    tcp: false,
    tcpSet: false,
    identify: false,
    edns: true,
    cookie: flavor.cookie,
    bufsize: undefined,
    tries: 3,
    cmdline: "",
  };
}

interface Globals {
  short: boolean;
  printcmd: boolean;
  usesearch: boolean;
  showsearch: boolean;
  ndots: number | undefined;
  port: number;
  usec: boolean;
  domain: string | undefined;
  /** Options dig accepts that the simulation does not render, for the console's note. */
  unsimulated: string[];
}

export function dig(ctx: ProgramContext): number {
  try {
    return run(ctx);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}

function run(ctx: ProgramContext): number {
  const place = currentPlace(ctx);
  if (!place) return 1;
  const state = ctx.tx.state;
  const index = netIndex(state);
  const flavor = imageOf(ctx, place) === "registry.k8s.io/e2e-test-images/jessie-dnsutils" ? JESSIE : MODERN;
  const args = ctx.argv.slice(1);
  const usage = (): never => {
    ctx.err(USAGE);
    throw new Exit(1);
  };
  // fatal(): `dig: MESSAGE` on stderr; the exit status is 1 (fatalexit) before any query was sent.
  const fatal = (message: string): never => {
    ctx.err(`dig: ${message}\n`);
    throw new Exit(1);
  };
  // warn() then digexit(): exit status 10.
  const warnExit = (message: string): never => {
    ctx.err(`dig: ${message}\n`);
    throw new Exit(10);
  };

  // preparse_args: every dash option is checked (and its value found) before anything else.
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith("-")) continue;
    let option = args[i].slice(1);
    while (option.length && SINGLE_DASH.includes(option[0])) option = option.slice(1);
    if (option.length === 0) continue;
    if (!DASH.includes(option[0])) {
      ctx.err(`Invalid option: -${option}\n`);
      usage();
    }
    if (option.length > 1) continue;
    if (++i >= args.length) {
      ctx.err(`Invalid option: -${option}\n`);
      usage();
    }
  }

  const conf = place.kind === "pod" && usesClusterDNS(place, state) ? resolvConf(state, place) : { nameservers: ["127.0.0.53"], search: [] as string[], ndots: 1 };
  const g: Globals = { short: false, printcmd: true, usesearch: false, showsearch: false, ndots: undefined, port: 53, usec: false, domain: undefined, unsimulated: [] };
  const base = defaultLookup(flavor);
  const lookups: Lookup[] = [];
  let lookup = base;
  let openTypeClass = true;
  let addresscount = 0;
  let greeted = false;
  const greeting = () => {
    if (greeted) return "";
    greeted = true;
    if (!g.printcmd) return "";
    // printgreeting appends " ARG" for each argument: nothing after "<<>>" without any.
    return `\n; <<>> DiG ${flavor.version} <<>>${args.map((a) => ` ${a}`).join("")}\n${addresscount ? `; (${addresscount} server${addresscount > 1 ? "s" : ""} found)\n` : ""};; global options:${g.short ? " +short" : ""} +cmd\n`;
  };
  const addLookup = (name: string, type?: string) => {
    const l: Lookup = { ...base, servers: [...base.servers], name };
    if (type && !l.typeSet) l.type = type;
    l.cmdline = greeting();
    lookups.push(l);
    lookup = l;
  };
  // getaddresses(): an address, or a name the place's resolver knows (getaddrinfo).
  const addServer = (text: string) => {
    let ips: string[];
    if (isIPv4(text)) ips = [text];
    else {
      const r = resolveHost(state, index, place, text, { now: ctx.now, affinity: state.affinity });
      if (!r.ok) return fatal(`couldn't get address for '${text}': not found`);
      ips = r.ips;
    }
    for (const ip of ips) lookup.servers.push({ ip, userarg: text });
    addresscount = ips.length;
  };

  const plus = (option: string) => {
    const eq = option.indexOf("=");
    let cmd = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? undefined : option.slice(eq + 1);
    const shown = cmd;
    let state = true;
    if (cmd.toLowerCase().startsWith("no")) {
      cmd = cmd.slice(2);
      state = false;
    }
    const invalid = (): never => {
      ctx.err(`Invalid option: +${shown}\n`);
      return usage();
    };
    const number = (max: number, desc: string, error: string): number => {
      if (value === undefined || !state) return invalid();
      const n = parseUint(ctx, value, max, desc);
      return n === undefined ? warnExit(`Couldn't parse ${error}`) : n;
    };
    const c = cmd.toLowerCase();
    const l = lookup;
    const sections = (on: boolean) => {
      l.question = l.answer = l.authority = l.additional = on;
    };
    const note = () => g.unsimulated.push(`+${shown}`);
    if (c === "") return invalid();
    // The option table of plus_option, by the longest name a prefix can stand for.
    const table: Array<[string[], () => void]> = [
      [["aaonly", "aaflag"], note],
      [["ad", "adflag"], () => {}],
      [["additional"], () => (l.additional = state)],
      [["all"], () => {
        sections(state);
        l.comments = l.stats = state;
        g.printcmd = state;
      }],
      [["answer"], () => (l.answer = state)],
      [["authority"], () => (l.authority = state)],
      [["badcookie"], () => {}],
      [["besteffort"], () => {}],
      [["bufsize"], () => {
        if (!state) invalid();
        l.bufsize = value === undefined ? 1232 : number(65535, "buffer size", "buffer size");
      }],
      [["cdflag"], note],
      [["cl", "class"], () => (l.noclass = !state)],
      [["cmd"], () => (g.printcmd = state)],
      [["comments"], () => (l.comments = state)],
      [["cookie"], () => {
        l.cookie = state && flavor.cookie;
        if (state) l.edns = true;
      }],
      [["crypto"], () => {}],
      [["defname", "search"], () => (g.usesearch = state)],
      [["do", "dnssec"], note],
      [["domain"], () => {
        if (value === undefined || !state) invalid();
        g.domain = value;
      }],
      [["edns"], () => {
        if (!state) l.edns = false;
        else {
          if (value !== undefined) {
            const n = parseUint(ctx, value, 255, "edns");
            if (n === undefined) warnExit("Couldn't parse edns");
            if (n !== 0) g.unsimulated.push(`+edns=${n}`);
          }
          l.edns = true;
        }
      }],
      [["expire", "expandaaaa", "ednsflags", "ednsnegotiation", "ednsopt", "fail", "header-only", "keepalive", "keepopen", "multiline", "nsid", "nssearch", "onesoa", "opcode", "padding", "qid", "qr", "raflag", "rrcomments", "split", "subnet", "tcflag", "topdown", "trace", "ttlunits", "unknownformat", "yaml", "zflag", "showbadcookie", "dns64prefix", "idnin", "idnout", "https", "https-get", "https-post", "http-plain", "http-plain-get", "http-plain-post", "tls", "tls-ca", "tls-hostname", "tls-certfile", "tls-keyfile", "sigchase", "mapped", "unexpected", "trusted-key", "dscp", "fuzztime"], note],
      [["identify"], () => (l.identify = state)],
      [["ignore"], () => {}],
      [["ndots"], () => {
        if (value === undefined || !state) invalid();
        g.ndots = number(65535, "ndots", "ndots");
      }],
      [["question"], () => (l.question = state)],
      [["rdflag", "recurse"], () => (l.recurse = state)],
      [["retry"], () => (l.tries = number(0xfffffffe, "retries", "retries") + 1)],
      [["tries"], () => (l.tries = Math.max(1, number(0xffffffff, "tries", "tries")))],
      [["short"], () => {
        g.short = state;
        if (state) {
          g.printcmd = false;
          l.additional = l.authority = l.question = l.comments = l.stats = false;
          l.answer = true;
        }
      }],
      [["showsearch"], () => {
        g.showsearch = state;
        g.usesearch = state;
      }],
      [["stats"], () => (l.stats = state)],
      [["tcp", "vc"], () => {
        l.tcp = state;
        l.tcpSet = true;
      }],
      [["timeout"], () => void number(0xffff, "timeout", "timeout")],
      [["ttlid", "ttl"], () => (l.nottl = !state)],
    ];
    // dig's switch reads characters until one name is left, then FULLCHECKs the option against it:
    // an option that names one entry exactly, or is a prefix of one entry's names only, is that
    // entry (`+ans`, `+nocl`, `+ad` for adflag, `+do` for dnssec); a prefix several entries share
    // stops the switch at a default (`+a`, `+co`, `+tc` are invalid). One letter reaches a
    // FULLCHECK only where the switch has a single name under it (+i, +p, +v, +y, +z).
    const single: { [letter: string]: string } = { i: "ignore", p: "padding", v: "vc", y: "yaml", z: "zflag" };
    const wanted = c.length === 1 ? single[c] : c;
    if (wanted === undefined) return invalid();
    const known = flavor.modern ? table : table.map(([names, f]): [string[], () => void] => [names.filter((n) => OPTIONS_9_9_5.has(n)), f]).filter(([names]) => names.length > 0);
    const exact = known.filter(([names]) => names.includes(wanted));
    const matches = exact.length ? exact : known.filter(([names]) => full(wanted, ...names));
    if (matches.length !== 1) return invalid();
    matches[0][1]();
  };

  const dash = (option: string, next: string | undefined): boolean => {
    while (option.length && SINGLE_DASH.includes(option[0])) {
      const o = option[0];
      if (o === "h") {
        ctx.out(`${USAGE.split("\n\n")[0]}\n`);
        ctx.note?.("dig -h prints its full option list; the simulation prints the usage line only.");
        throw new Exit(0);
      }
      if (o === "v") {
        ctx.err(`DiG ${flavor.version}\n`);
        throw new Exit(0);
      }
      if (o === "u") g.usec = true;
      if (o === "6") g.unsimulated.push("-6");
      if (option.length > 1) option = option.slice(1);
      else return false;
    }
    const opt = option[0];
    const fromNext = option.length === 1;
    const value = fromNext ? next : option.slice(1);
    if (value === undefined) {
      ctx.err(`Invalid option: -${option}\n`);
      return usage();
    }
    switch (opt) {
      case "c": {
        const cls = rdataclass(value);
        if (lookup.cls !== "IN" && cls) ctx.err(";; Warning, extra class option\n");
        openTypeClass = false;
        if (cls) {
          lookup.cls = cls;
          if (cls !== "IN") g.unsimulated.push(`-c ${value}`);
        } else ctx.err(`;; Warning, ignoring invalid class ${value}\n`);
        break;
      }
      case "p": {
        const n = parseUint(ctx, value, 65535, "port number");
        if (n === undefined) fatal("Couldn't parse port number");
        g.port = n!;
        break;
      }
      case "q":
        addLookup(value);
        break;
      case "t": {
        openTypeClass = false;
        const type = rdatatype(value);
        if (!type) {
          ctx.err(`;; Warning, ignoring invalid type ${value}\n`);
          break;
        }
        if (lookup.typeSet) ctx.err(";; Warning, extra type option\n");
        lookup.type = type;
        lookup.typeSet = true;
        if (type === "ANY" && !lookup.tcpSet) lookup.tcp = true;
        break;
      }
      case "x": {
        const name = reverseName(value);
        if (!name) {
          ctx.err(`Invalid IP address ${value}\n`);
          throw new Exit(1);
        }
        addLookup(name, "PTR");
        break;
      }
      default:
        // -b, -f, -k, -y: a source address, a batch file, TSIG keys.
        g.unsimulated.push(`-${opt} ${value}`);
    }
    return fromNext;
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("%")) break;
    if (a.startsWith("@")) addServer(a.slice(1));
    else if (a.startsWith("+")) plus(a.slice(1));
    else if (a.startsWith("-") && a.length > 1) {
      if (dash(a.slice(1), args[i + 1])) i++;
    } else {
      if (openTypeClass) {
        const type = rdatatype(a);
        if (type && type !== "IXFR") {
          if (lookup.typeSet) ctx.err(";; Warning, extra type option\n");
          lookup.type = type;
          lookup.typeSet = true;
          if (type === "ANY" && !lookup.tcpSet) lookup.tcp = true;
          continue;
        }
        if (type === "IXFR") {
          ctx.err(";; Warning, ixfr requires a serial number\n");
          continue;
        }
        const cls = rdataclass(a);
        if (cls) {
          if (lookup.cls !== "IN") ctx.err(";; Warning, extra class option\n");
          lookup.cls = cls;
          if (cls !== "IN") g.unsimulated.push(a);
          continue;
        }
      }
      addLookup(a);
    }
  }
  // No name: the root's NS records.
  if (lookups.length === 0) {
    addLookup(".");
    lookup.type = "NS";
  }
  if (g.unsimulated.length) ctx.note?.(`dig accepts ${g.unsimulated.join(", ")}; the simulation does not model ${g.unsimulated.length > 1 ? "them" : "it"} and prints the answer as without.`);

  const search = g.domain !== undefined ? [g.domain] : conf.search;
  const usesearch = g.usesearch || g.domain !== undefined;
  const ndots = g.ndots ?? conf.ndots;
  let exit = 0;
  for (const l of lookups) exit = runLookup(ctx, place, flavor, g, l, { search, usesearch, ndots, nameservers: conf.nameservers });
  return exit;
}

interface SearchConf {
  search: string[];
  usesearch: boolean;
  ndots: number;
  nameservers: string[];
}

function runLookup(ctx: ProgramContext, place: NonNullable<ReturnType<typeof currentPlace>>, flavor: Flavor, g: Globals, l: Lookup, conf: SearchConf): number {
  const state = ctx.tx.state;
  const index = netIndex(state);
  const servers = l.servers.length ? l.servers : conf.nameservers.map((ip) => ({ ip, userarg: ip }));
  // The search list (setup_lookup, next_origin): only an NXDOMAIN moves on to the next name.
  const names = conf.usesearch && l.name !== "." ? candidateNames({ nameservers: [], search: conf.search, ndots: conf.ndots }, l.name) : [l.name.replace(/\.$/, "") || "."];
  const protocol = l.tcp ? "TCP" : "UDP";
  const udp = l.bufsize ?? flavor.udp;
  for (let n = 0; n < names.length; n++) {
    const qname = names[n] === "." ? "." : `${names[n]}.`;
    let result: DnsQueryResult | undefined;
    let server: Server = servers[0];
    let errors = "";
    // Each server in turn; the first gets the lookup's tries (+tries, +retry).
    for (const [i, s] of servers.entries()) {
      for (let t = 0; t < (i === 0 ? l.tries : 1); t++) {
        server = s;
        result = queryServer(state, index, place, s.ip, qname, l.type, { now: ctx.now, affinity: state.affinity, tx: ctx.tx, edns: l.edns ? { udp, cookie: l.cookie } : undefined, port: g.port, protocol });
        if (result.kind === "reply") break;
        errors += failedTry(flavor, l, s, g.port, result.kind);
      }
      if (result?.kind === "reply") break;
    }
    if (!result || result.kind !== "reply") {
      // 9.18: each try's warning, then the greeting and the error; 9.9.5: the greeting and its one line.
      if (flavor.modern) ctx.out(l.tcp ? `${errors};; no servers could be reached\n` : `${errors}${l.cmdline};; no servers could be reached\n`);
      else ctx.out(`${l.cmdline};; connection timed out; no servers could be reached\n`);
      l.cmdline = "";
      return 9;
    }
    const reply = result.reply;
    if (l.type === "AXFR" || l.type === "IXFR") {
      // A zone transfer the server refuses (the kubernetes plugin refuses them; kubeadm's Corefile has no transfer plugin).
      if (reply.rcode !== "NOERROR") {
        ctx.out(`${g.printcmd && !g.short ? l.cmdline : ""}; Transfer failed.\n`);
        return 0;
      }
    }
    const last = n === names.length - 1 || reply.rcode !== "NXDOMAIN";
    if (last || g.showsearch) ctx.out(printMessage(ctx, place.ip, flavor, g, l, server, qname, reply));
    if (last) return 0;
  }
  return 0;
}

/** One failed try as 9.18 reports it (dighost_warning); 9.9.5 reports only the end. */
function failedTry(flavor: Flavor, l: Lookup, s: Server, port: number, kind: "timed-out" | "refused"): string {
  if (!flavor.modern) return "";
  const why = kind === "refused" ? "connection refused" : "timed out";
  if (l.tcp) return `;; Connection to ${s.ip}#${port}(${s.ip}) for ${l.name} failed: ${why}.\n`;
  return `;; communications error to ${s.ip}#${port}: ${why}\n`;
}

/** printmessage() and received(): one reply as dig prints it. */
function printMessage(ctx: ProgramContext, clientIP: string, flavor: Flavor, g: Globals, l: Lookup, server: Server, qname: string, r: DnsReply): string {
  let out = "";
  if (l.cmdline && !g.short && g.printcmd) out += l.cmdline;
  const ms = r.authoritative ? 0 : 4 + (fnv32a(qname) % 20);
  const msText = g.usec ? `${ms * 1000 + (fnv32a(`usec|${qname}`) % 1000)} usec` : `${ms} msec`;
  const flagsOf = () => ["qr", ...(r.authoritative ? ["aa"] : []), ...(l.recurse ? ["rd"] : []), ...(r.authoritative ? [] : ["ra"])].join(" ");
  const authority = authorityOf(r);
  const additional = r.additional ?? [];
  const cookie = l.edns && l.cookie;
  if (l.comments && !g.short) {
    const id = fnv32a(`${clientIP}|${qname}|${ctx.now}`) % 65536;
    out += ";; Got answer:\n";
    if (flavor.modern && /(^|\.)local\.$/.test(qname)) out += ";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n";
    out += `;; ->>HEADER<<- opcode: QUERY, status: ${r.rcode}, id: ${id}\n`;
    out += `;; flags: ${flagsOf()}; QUERY: 1, ANSWER: ${r.answers.length}, AUTHORITY: ${authority.length}, ADDITIONAL: ${additional.length + (l.edns ? 1 : 0)}\n`;
    if (l.recurse && r.authoritative) out += ";; WARNING: recursion requested but not available\n";
    out += "\n";
    if (l.edns) {
      const hex = fnv32a(`cookie|${clientIP}|${ctx.now}`).toString(16).padStart(8, "0") + fnv32a(`cookie2|${qname}`).toString(16).padStart(8, "0");
      out += `;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: ${l.bufsize ?? flavor.udp}\n${cookie ? `; COOKIE: ${hex} (echoed)\n` : ""}`;
    }
  }
  const section = (title: string, records: string[]) => {
    if (records.length === 0) return "";
    return `${l.comments ? `;; ${title} SECTION:\n` : ""}${records.join("")}${l.comments ? "\n" : ""}`;
  };
  if (l.question && !g.short) out += section("QUESTION", [questionLine(qname, l)]);
  if (l.answer) {
    if (!g.short) out += section("ANSWER", r.answers.map((a) => recordLine(a, l)));
    else out += r.answers.map((a) => `${a.data}${l.identify ? ` from server ${server.ip} in ${ms} ms.` : ""}\n`).join("");
  }
  if (l.authority && !g.short) out += section("AUTHORITY", authority.map((a) => recordLine(a, l)));
  if (l.additional && !g.short) out += section("ADDITIONAL", additional.map((a) => recordLine(a, l)));
  if (g.short) return out;
  const size = dnsMessageSize(qname, r, l.edns ? 11 + (cookie ? 12 : 0) : 0);
  const from = `${server.ip}#${g.port}`;
  if (l.stats) {
    out += `;; Query time: ${msText}\n`;
    out += flavor.modern ? `;; SERVER: ${from}(${server.userarg}) (${l.tcp ? "TCP" : "UDP"})\n` : `;; SERVER: ${from}(${server.ip})\n`;
    out += `;; WHEN: ${when(ctx.now)}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  } else if (l.identify) out += `;; Received ${size} bytes from ${from}(${flavor.modern ? server.userarg : server.ip}) in ${g.usec ? msText.replace(" usec", " us") : `${ms} ms`}\n\n`;
  return out;
}
