import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inlineText, renderInline, renderMarkdown, type Block, type Inline } from "../../../worker/sim/lessons/markdown.ts";

describe("step text markdown", () => {
  it("renders paragraphs, lists and runnable code blocks", () => {
    const blocks = renderMarkdown(
      [
        "Expose the pod with `kubectl expose`.",
        "It gets a **NodePort**.",
        "",
        "```sh",
        "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort",
        "```",
        "",
        "- one",
        "  continued",
        "- two",
        "",
        "3. three",
        "4. four",
        "",
        "```yaml",
        "kind: Service",
        "```",
      ].join("\n"),
    );
    expect(blocks).toEqual<Block[]>([
      {
        type: "paragraph",
        children: [
          { type: "text", text: "Expose the pod with " },
          { type: "code", text: "kubectl expose" },
          { type: "text", text: ". It gets a " },
          { type: "strong", children: [{ type: "text", text: "NodePort" }] },
          { type: "text", text: "." },
        ],
      },
      { type: "code", lang: "sh", text: "kubectl expose pod nginx --port 8080 --target-port 80 --type NodePort", runnable: true },
      { type: "list", ordered: false, start: 1, items: [[{ type: "text", text: "one continued" }], [{ type: "text", text: "two" }]] },
      { type: "list", ordered: true, start: 3, items: [[{ type: "text", text: "three" }], [{ type: "text", text: "four" }]] },
      { type: "code", lang: "yaml", text: "kind: Service", runnable: false },
    ]);
  });

  it("keeps heredocs inside one runnable block and honours norun", () => {
    const blocks = renderMarkdown("```bash\nkubectl apply -f - <<EOF\nkind: Pod\nEOF\n```\n\n``` sh norun\ncurl http://<node-ip>:<node-port>\n```");
    expect(blocks).toEqual([
      { type: "code", lang: "bash", text: "kubectl apply -f - <<EOF\nkind: Pod\nEOF", runnable: true },
      { type: "code", lang: "sh", text: "curl http://<node-ip>:<node-port>", runnable: false },
    ]);
  });

  it.each([
    ["<script>alert(1)</script>", "<script>alert(1)</script>"],
    ['<img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)">'],
    ["a <b>bold</b> claim", "a <b>bold</b> claim"],
  ])("keeps raw HTML as text: %s", (source, text) => {
    expect(renderMarkdown(source)).toEqual([{ type: "paragraph", children: [{ type: "text", text }] }]);
  });

  it.each([
    ["[docs](https://kubernetes.io/docs/)", [{ type: "link", href: "https://kubernetes.io/docs/", children: [{ type: "text", text: "docs" }] }]],
    ["[x](javascript:alert(1))", [{ type: "text", text: "x" }, { type: "text", text: ")" }]],
    ["[x](data:text/html,hi)", [{ type: "text", text: "x" }]],
    ["[x](/relative)", [{ type: "text", text: "x" }]],
  ])("links only to http(s) and mailto: %s", (source, inlines) => {
    expect(renderInline(source)).toEqual(inlines);
  });

  it("never produces a link with an unsafe target or loses text (property)", () => {
    const walk = (nodes: Inline[], visit: (n: Inline) => void) => {
      for (const n of nodes) {
        visit(n);
        if (n.type === "strong" || n.type === "em" || n.type === "link") walk(n.children, visit);
      }
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", " ", "`", "*", "_", "[", "]", "(", ")", "<", ">", "\n", "-", "1", ".", "j", ":", "\\") , maxLength: 80 }), (source) => {
        const blocks = renderMarkdown(source);
        for (const block of blocks) {
          const inlines = block.type === "paragraph" ? block.children : block.type === "list" ? block.items.flat() : [];
          walk(inlines, (n) => {
            if (n.type === "link") expect(n.href).toMatch(/^(https?:\/\/|mailto:)/i);
          });
        }
      }),
    );
  });

  it("gives the plain text of inline content", () => {
    expect(inlineText(renderInline("Run **`kubectl get svc`** and [read](https://x.y) it"))).toBe("Run kubectl get svc and read it");
  });
});
