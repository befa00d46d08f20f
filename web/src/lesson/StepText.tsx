// A step's text: the lesson engine's Markdown tree turned into elements. Everything a lesson file
// says ends up as text nodes, never as markup, so a lesson cannot inject HTML into the page.
import type { Block, Inline } from "../../../worker/sim/lessons/markdown.ts";

export interface StepTextProps {
  blocks: Block[];
  /** Types a command into the console; without it (a watcher) run buttons are disabled. */
  onRun?(command: string): void;
}

export function StepText({ blocks, onRun }: StepTextProps) {
  return <div class="step-text">{blocks.map((block, i) => <BlockView key={i} block={block} onRun={onRun} />)}</div>;
}

function BlockView({ block, onRun }: { block: Block; onRun?(command: string): void }) {
  switch (block.type) {
    case "paragraph":
      return <p>{inlines(block.children)}</p>;
    case "list": {
      const items = block.items.map((item, i) => <li key={i}>{inlines(item)}</li>);
      return block.ordered ? <ol start={block.start === 1 ? undefined : block.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case "code":
      return (
        <div class={"code-block" + (block.runnable ? " runnable" : "")}>
          <pre>
            <code>
              {block.text.split("\n").map((line, i) => (
                <span class="code-line" key={i}>
                  {line}
                </span>
              ))}
            </code>
          </pre>
          {block.runnable && (
            <button
              type="button"
              class="run-code"
              disabled={!onRun}
              title="Type this into the console and run it"
              aria-label={`Run ${firstLine(block.text)}`}
              onClick={() => onRun?.(block.text)}
            >
              ▶ run
            </button>
          )}
        </div>
      );
  }
}

export function inlines(nodes: Inline[]) {
  return nodes.map((node, i) => <InlineView key={i} node={node} />);
}

function InlineView({ node }: { node: Inline }) {
  switch (node.type) {
    case "text":
      return <>{node.text}</>;
    case "code":
      return <code>{node.text}</code>;
    case "strong":
      return <strong>{inlines(node.children)}</strong>;
    case "em":
      return <em>{inlines(node.children)}</em>;
    case "link":
      // markdown.ts only lets http(s) and mailto targets through.
      return (
        <a href={node.href} target="_blank" rel="noopener noreferrer">
          {inlines(node.children)}
        </a>
      );
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0];
  return line.length > 60 ? line.slice(0, 59) + "…" : line;
}
