// Parses a label selector string (`-l app=web,tier!=db,env in (a,b),!legacy`) the way
// apimachinery's labels.Parse does, with its error texts.

import type { LabelSelectorRequirement } from "../cluster/label-selector.ts";

export type SelectorParse = { ok: true; requirements: LabelSelectorRequirement[] } | { ok: false; error: string };

export function parseSelector(text: string): SelectorParse {
  const requirements: LabelSelectorRequirement[] = [];
  const parts = splitTopLevel(text.trim());
  if (text.trim() === "") return { ok: true, requirements };
  for (const raw of parts) {
    const part = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!(),]+)$/.exec(part))) {
      requirements.push({ key: m[1], operator: "!", values: [] });
    } else if ((m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(part))) {
      requirements.push({ key: m[1], operator: m[2] === "!=" ? "!=" : "=", values: [m[3]] });
    } else if ((m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part))) {
      const values = m[3].split(",").map((v) => v.trim());
      requirements.push({ key: m[1], operator: m[2] as "in" | "notin", values });
    } else if ((m = /^([^\s=!(),]+)$/.exec(part))) {
      requirements.push({ key: m[1], operator: "exists", values: [] });
    } else {
      return { ok: false, error: `unable to parse requirement: found '${firstBad(part)}', expected: in, notin, =, ==, !=, gt, lt` };
    }
  }
  for (const r of requirements) {
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(r.key)) {
      return { ok: false, error: `unable to parse requirement: invalid label key "${r.key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` };
    }
  }
  return { ok: true, requirements };
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (text[i] === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function firstBad(part: string): string {
  const m = /\s+(\S+)/.exec(part);
  return m ? m[1] : part;
}
