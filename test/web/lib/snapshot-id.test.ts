import { describe, expect, it } from "vitest";
import { snapshotIdOf } from "../../../web/src/lib/snapshot-id.ts";

describe("a class's snapshot, as a teacher pastes it", () => {
  it.each([
    ["https://playground.example/p/AbC_-123", "AbC_-123"],
    ["/p/AbC_-123", "AbC_-123"],
    ["  AbC_-123  ", "AbC_-123"],
  ])("%s is snapshot %s", (text, id) => {
    expect(snapshotIdOf(text)).toBe(id);
  });
});
