import { describe, expect, it, vi } from "vitest";
import { h } from "preact";
import { renderMarkdown } from "../../../worker/sim/lessons/markdown.ts";
import { builtinLessons } from "../../../worker/sim/lessons/builtin.ts";
import { StepText } from "../../../web/src/lesson/components.ts";
import { byClass, byTag, tags, text, tree } from "../vnodes.ts";

const render = (markdown: string, onRun?: (command: string) => void) => tree(h(StepText, { blocks: renderMarkdown(markdown), onRun }));

describe("a step's text on the page", () => {
  it("turns the Markdown tree into paragraphs, emphasis, code and links", () => {
    const out = render("Run **this** and *that* with `kubectl get svc`; see [the docs](https://kubernetes.io/docs/).");
    expect([...tags(out)].sort()).toEqual(["a", "code", "div", "em", "p", "strong"]);
    expect(text(byTag(out, "strong"))).toBe("this");
    expect(text(byTag(out, "em"))).toBe("that");
    expect(text(byTag(out, "code"))).toBe("kubectl get svc");
    const [link] = byTag(out, "a");
    expect(link.props).toMatchObject({ href: "https://kubernetes.io/docs/", target: "_blank", rel: "noopener noreferrer" });
    expect(text([link])).toBe("the docs");
  });

  it.each([
    ["a script tag", "Hello <script>alert(1)</script> there", "<script>alert(1)</script>"],
    ["an image with a handler", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"],
    ["markup inside emphasis", "**<b>bold</b>**", "<b>bold</b>"],
    ["markup inside a code block", "```sh\necho <iframe src=//evil>\n```", "echo <iframe src=//evil>"],
  ])("keeps raw HTML as text: %s", (_, markdown, literal) => {
    const out = render(markdown);
    for (const tag of tags(out)) expect(["div", "p", "strong", "pre", "code", "span", "button"]).toContain(tag);
    expect(text(out)).toContain(literal);
  });

  it("drops link targets that are not http(s) or mailto, keeping the words", () => {
    const out = render("[click me](javascript:alert(1)) and [there](/relative)");
    expect(byTag(out, "a")).toEqual([]);
    expect(text(out)).toContain("click me");
  });

  it("keeps lists ordered from where they start", () => {
    const out = render("3. three\n4. four\n\n- a\n- b");
    const [ol] = byTag(out, "ol");
    expect(ol.props.start).toBe(3);
    expect(byTag([ol], "li").map((li) => text([li]))).toEqual(["three", "four"]);
    expect(byTag(byTag(out, "ul"), "li")).toHaveLength(2);
  });

  it("gives runnable code blocks a run button that types the command in", () => {
    const onRun = vi.fn();
    const out = render("```sh\nkubectl run nginx --image=nginx\n```\n\n```sh norun\ncurl http://<pod-ip>\n```\n\n```yaml\nkind: Pod\n```", onRun);
    const buttons = byClass(out, "run-code");
    expect(buttons).toHaveLength(1);
    expect(buttons[0].props["aria-label"]).toBe("Run kubectl run nginx --image=nginx");
    expect(buttons[0].props.disabled).toBe(false);
    (buttons[0].props.onClick as () => void)();
    expect(onRun).toHaveBeenCalledWith("kubectl run nginx --image=nginx");
    expect(text(byTag(out, "pre"))).toContain("curl http://<pod-ip>");
  });

  it("shows each line of a block as its own line, so a wrapped long command reads as one", () => {
    const lines = byClass(render("```sh\nkubectl run app --image=nginx\n\nkubectl get pods\n```"), "code-line");
    expect(lines.map((l) => text([l]))).toEqual(["kubectl run app --image=nginx", "", "kubectl get pods"]);
  });

  it("hands a multi-line block over whole (the console splits it as a paste)", () => {
    const onRun = vi.fn();
    const block = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nEOF";
    const [button] = byClass(render("```sh\n" + block + "\n```", onRun), "run-code");
    (button.props.onClick as () => void)();
    expect(onRun).toHaveBeenCalledWith(block);
  });

  it("disables run buttons for a visitor who cannot type", () => {
    const [button] = byClass(render("```sh\nkubectl get pods\n```"), "run-code");
    expect(button.props.disabled).toBe(true);
  });

  it("renders every step and hint of the built-in lessons with one button per runnable block", () => {
    for (const lesson of builtinLessons) {
      for (const step of lesson.steps) {
        for (const source of [step.text, ...(step.hints ?? [])]) {
          const blocks = renderMarkdown(source);
          const out = tree(h(StepText, { blocks, onRun: () => {} }));
          expect(byClass(out, "run-code"), `${lesson.id}/${step.id}`).toHaveLength(blocks.filter((b) => b.type === "code" && b.runnable).length);
          expect(text(out).length).toBeGreaterThan(0);
        }
      }
    }
  });
});
