// Golden transcripts: each *.script.txt runs through the engine with seed 1 and the fixed start
// clock; the transcript must equal *.expected.txt byte for byte. UPDATE_GOLDEN=1 rewrites the
// expected files (review the diff against the reference before committing).

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../../worker/sim/cluster/profile.ts";
import { defaultTranscriptOptions, runScript, type TranscriptOptions } from "../../../worker/sim/cli/transcript.ts";

const dir = import.meta.dirname;
const scripts = readdirSync(dir).filter((f) => f.endsWith(".script.txt")).sort();
/** Scripts that start from another session than the default (as `npm run sim -- --clusters ...`). */
const OPTIONS: Record<string, Partial<TranscriptOptions>> = {
  "contexts.script.txt": { clusters: ["k8s-c1", "k8s-c2", "k8s-c3"] },
  "ingress-affinity.script.txt": { profile: resolveProfile({ ingress: "nginx" }) },
};

describe("golden transcripts", () => {
  it.each(scripts)("%s matches its expected transcript", (file) => {
    const script = readFileSync(join(dir, file), "utf8");
    const { transcript } = runScript(script, { ...defaultTranscriptOptions, ...OPTIONS[file] });
    const expectedPath = join(dir, file.replace(".script.txt", ".expected.txt"));
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(expectedPath, transcript);
    expect(transcript).toBe(readFileSync(expectedPath, "utf8"));
  });

  it("gives the same transcript for the same script and seed", () => {
    const script = readFileSync(join(dir, "seed-flow.script.txt"), "utf8");
    expect(runScript(script).transcript).toBe(runScript(script).transcript);
  });
});
