// The page's JavaScript stays within its budget (the global setup has just built it).
import { describe, expect, it } from "vitest";
import { BUDGET_BYTES, measureBundle } from "../../../scripts/bundle-size.ts";

describe("the page bundle", () => {
  it("is at most 60 KB of gzip JavaScript", () => {
    const size = measureBundle();
    expect(size.files.length).toBeGreaterThan(0);
    console.log(`page JS: ${(size.gzip / 1024).toFixed(1)} KB gzip`);
    expect(size.gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
