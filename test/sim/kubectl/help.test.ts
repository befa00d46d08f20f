// `kubectl <cmd> --help` in kubectl's layout: description, Examples:, Options:, Usage:, trailer.

import { describe, expect, it } from "vitest";
import { commands } from "../../../worker/sim/kubectl/commands/index.ts";
import { commandHelp } from "../../../worker/sim/kubectl/help.ts";

const documented = ["run", "expose", "get", "create", "apply", "describe", "delete", "exec", "logs", "scale"];

describe("command help", () => {
  it.each(documented)("kubectl %s --help has a description, examples, options, usage and the global-options line, in that order", (name) => {
    const command = commands.find((c) => c.name === name)!;
    const text = commandHelp(command, `kubectl ${name}`);
    const at = ["\n\nExamples:\n  # ", "\n\nOptions:\n    ", "\n\nUsage:\n  kubectl ", ' [options]\n\nUse "kubectl '].map((part) => text.indexOf(part));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text.endsWith('Use "kubectl options" for a list of global command-line options (applies to all commands).\n')).toBe(true);
  });

  it.each(documented)("kubectl %s --help indents every example line, blank ones included, and each example is a comment then commands", (name) => {
    const text = commandHelp(commands.find((c) => c.name === name)!, `kubectl ${name}`);
    const examples = text.slice(text.indexOf("Examples:\n") + 10, text.indexOf("\n\nOptions:")).split("\n");
    expect(examples.every((line) => line.startsWith("  "))).toBe(true);
    const blocks = examples.join("\n").split("\n  \n");
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) expect(block.split("\n").at(-1)).toMatch(/^ {2}(kubectl |cat )/);
  });
});
