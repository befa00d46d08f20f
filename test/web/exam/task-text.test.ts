import { describe, expect, it } from "vitest";
import { taskParagraphs } from "../../../web/src/exam/task-text.ts";

describe("an exam task's text", () => {
  it("splits paragraphs at blank lines and joins the lines within one", () => {
    const text = "In namespace `team`, create a deployment\n`web` with image `nginx`.\n\nExpose it on port 8080.\n";
    expect(taskParagraphs(text)).toEqual([
      [
        { kind: "text", text: "In namespace " },
        { kind: "name", text: "team" },
        { kind: "text", text: ", create a deployment " },
        { kind: "name", text: "web" },
        { kind: "text", text: " with image " },
        { kind: "name", text: "nginx" },
        { kind: "text", text: "." },
      ],
      [{ kind: "text", text: "Expose it on port 8080." }],
    ]);
  });

  it("keeps an unmatched backtick as text", () => {
    expect(taskParagraphs("a ` b")).toEqual([[{ kind: "text", text: "a ` b" }]]);
  });
});
