import { describe, expect, it } from "vitest";
import { FlagSet, parseGoDuration, type FlagSpec } from "../../../worker/sim/kubectl/flags.ts";

const specs: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string" },
  { name: "output", short: "o", type: "string" },
  { name: "all-namespaces", short: "A", type: "bool" },
  { name: "stdin", short: "i", type: "bool" },
  { name: "tty", short: "t", type: "bool" },
  { name: "replicas", short: "r", type: "int" },
  { name: "env", type: "stringArray" },
  { name: "image", type: "stringSlice" },
  { name: "dry-run", type: "string", noOptDefault: "unchanged" },
];
const set = new FlagSet(specs);
const parse = (argv: string[]) => {
  const r = set.parse(argv);
  if (!r.ok) throw new Error(r.error);
  return { values: Object.fromEntries(r.flags.values), args: r.flags.args, dash: r.flags.argsLenAtDash };
};

describe("FlagSet.parse (pflag semantics)", () => {
  it.each([
    [["get", "pods", "-n", "kube-system"], { namespace: "kube-system" }, ["get", "pods"]],
    [["-nkube-system", "pods"], { namespace: "kube-system" }, ["pods"]],
    [["-n=kube-system"], { namespace: "kube-system" }, []],
    [["--namespace=x", "a"], { namespace: "x" }, ["a"]],
    [["--namespace", "x", "a"], { namespace: "x" }, ["a"]],
    [["--namespace", "-x"], { namespace: "-x" }, []],
    [["-it", "pod"], { stdin: true, tty: true }, ["pod"]],
    [["-A", "--all-namespaces=false"], { "all-namespaces": false }, []],
    [["-r", "3"], { replicas: 3 }, []],
    [["--env", "A=1", "--env=B=2"], { env: ["A=1", "B=2"] }, []],
    [["--image=a,b", "--image", "c"], { image: ["a", "b", "c"] }, []],
    [["--dry-run"], { "dry-run": "unchanged" }, []],
    [["--dry-run=client"], { "dry-run": "client" }, []],
    [["-", "x"], {}, ["-", "x"]],
  ])("parses %j", (argv, values, args) => {
    const r = parse(argv as string[]);
    expect(r.values).toEqual(values);
    expect(r.args).toEqual(args);
  });

  it("stops at -- and remembers where the arguments after it begin", () => {
    expect(parse(["nginx", "--", "sh", "-c", "echo -n hi"])).toEqual({ values: {}, args: ["nginx", "sh", "-c", "echo -n hi"], dash: 1 });
  });

  it.each([
    [["--bogus"], "unknown flag: --bogus"],
    [["-z"], "unknown shorthand flag: 'z' in -z"],
    [["-iz"], "unknown shorthand flag: 'z' in -iz"],
    [["-n"], "flag needs an argument: 'n' in -n"],
    [["--namespace"], "flag needs an argument: --namespace"],
    [["-r", "abc"], 'invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    [["--stdin=maybe"], 'invalid argument "maybe" for "-i, --stdin" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
  ])("rejects %j with pflag's message", (argv, error) => {
    expect(set.parse(argv as string[])).toEqual({ ok: false, error });
  });
});

describe("parseGoDuration", () => {
  it.each([
    ["30s", 30000],
    ["1m30s", 90000],
    ["0", 0],
    ["1.5h", 5400000],
    ["250ms", 250],
    ["10", undefined],
    ["abc", undefined],
  ])("reads %s", (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});
