import { describe, expect, it } from "vitest";
import { parseManifests } from "../../../worker/sim/kubectl/manifest.ts";

// kubectl reads YAML with sigs.k8s.io/yaml (go-yaml v2), which follows YAML 1.1's scalar rules.
describe("manifests are read with YAML 1.1's scalar rules, as kubectl reads them", () => {
  const read = (value: string): unknown => {
    const parsed = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nvalue: ${value}\n`);
    if (!parsed.ok) throw new Error(parsed.error);
    return (parsed.manifests[0].object as Record<string, unknown>).value;
  };
  it.each([
    ["0400", 256],
    ["0644", 420],
    ["420", 420],
    ["yes", true],
    ["on", true],
    ["off", false],
    ['"0400"', "0400"],
    ["'on'", "on"],
  ])("%s reads as %j", (text, expected) => {
    expect(read(text)).toEqual(expected);
  });
});
