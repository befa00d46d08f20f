// The page's JavaScript stays within its budget (the global setup has just built it).
import { describe, expect, it } from "vitest";
import { BUDGET_BYTES, measureBundle } from "../../../scripts/bundle-size.ts";

describe("the page bundle", () => {
  it("is at most 60 KB of gzip JavaScript on the first load", () => {
    const size = measureBundle();
    expect(size.files.length).toBeGreaterThan(0);
    console.log(`page JS, first load: ${(size.gzip / 1024).toFixed(1)} KB gzip`);
    expect(size.gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("leaves the editor (CodeMirror) to a chunk loaded on first use", () => {
    const size = measureBundle();
    const editor = size.lazy.find((f) => /codemirror/.test(f.file));
    expect(editor).toBeDefined();
    console.log(`editor chunk: ${(editor!.gzip / 1024).toFixed(1)} KB gzip`);
    expect(size.files.some((f) => /codemirror/.test(f.file))).toBe(false);
  });
});
