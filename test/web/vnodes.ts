// Renders Preact elements to a plain tree in Node (no DOM): function components without hooks are
// called, elements keep their tag, props and children. Enough to test what a component puts on
// the page and to press its buttons.
import { Fragment, type VNode } from "preact";

export interface El {
  tag: string;
  props: Record<string, unknown>;
  children: Tree[];
}
export type Tree = El | string;

export function tree(node: unknown): Tree[] {
  if (node === null || node === undefined || typeof node === "boolean") return [];
  if (typeof node === "string" || typeof node === "number") return [String(node)];
  if (Array.isArray(node)) return node.flatMap(tree);
  const vnode = node as VNode<Record<string, unknown>>;
  if (vnode.type === Fragment) return tree(vnode.props.children);
  if (typeof vnode.type === "function") return tree((vnode.type as (p: unknown) => unknown)(vnode.props));
  return [{ tag: vnode.type as string, props: vnode.props, children: tree(vnode.props.children) }];
}

export function text(nodes: Tree[]): string {
  return nodes.map((n) => (typeof n === "string" ? n : text(n.children))).join("");
}

export function all(nodes: Tree[], match: (el: El) => boolean): El[] {
  return nodes.flatMap((n) => (typeof n === "string" ? [] : [...(match(n) ? [n] : []), ...all(n.children, match)]));
}

export const byTag = (nodes: Tree[], tag: string) => all(nodes, (el) => el.tag === tag);
export const byClass = (nodes: Tree[], cls: string) =>
  all(nodes, (el) => typeof el.props.class === "string" && el.props.class.split(" ").includes(cls));

/** Every tag used, for checking that nothing but the expected elements appear. */
export function tags(nodes: Tree[]): Set<string> {
  return new Set(all(nodes, () => true).map((el) => el.tag));
}
