// An exam's seeded parameters: names, namespaces, ports, images and numbers drawn from the seed a
// start is given, so a retake (a new seed) is a new exam and a shared seed is the same one. In the
// template, `{{name}}` stands for a parameter; a string that is nothing but `{{port}}` of an `int`
// parameter becomes that number, so `port: "{{port}}"` validates as a port. Placeholders of the
// solution runner (`{{nodePort web}}`, two words) are left for it to fill.

import { createRandom, type Random } from "../random.ts";

export type ParameterSpec = { pick: string[] } | { name: string } | { int: [number, number] };

export const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const REFERENCE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}$/;

/** The five characters Kubernetes puts after a generated name's prefix (no vowels: no words). */
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function drawOne(spec: ParameterSpec, random: Random): string | number {
  if ("pick" in spec) return spec.pick[random.int(spec.pick.length)];
  if ("name" in spec) {
    let suffix = "";
    for (let i = 0; i < 4; i++) suffix += SUFFIX_ALPHABET[random.int(SUFFIX_ALPHABET.length)];
    return `${spec.name}-${suffix}`;
  }
  const [min, max] = spec.int;
  return min + random.int(max - min + 1);
}

/**
 * Every parameter's value for a seed, in the order they are declared. Two parameters get different
 * values where their domains allow (two ports of one range, two picks of one list), since a task
 * that names two things would otherwise sometimes name one thing twice.
 */
export function drawParameters(specs: Record<string, ParameterSpec>, seed: number): Record<string, string | number> {
  const random = createRandom(seed);
  const values: Record<string, string | number> = {};
  const used = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) {
    let value = drawOne(spec, random);
    for (let attempt = 0; attempt < 20 && used.has(String(value)); attempt++) value = drawOne(spec, random);
    used.add(String(value));
    values[name] = value;
  }
  return values;
}

/** The template with every `{{parameter}}` filled in; an unknown name is an error at its path. */
export function substituteParameters(template: unknown, values: Record<string, string | number>): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const fill = (text: string, path: string): string | number => {
    const whole = WHOLE_REFERENCE.exec(text);
    if (whole && typeof values[whole[1]] === "number") return values[whole[1]];
    return text.replace(REFERENCE, (reference, name: string) => {
      if (Object.prototype.hasOwnProperty.call(values, name)) return String(values[name]);
      errors.push(`${path}: ${reference} names no parameter; declare it under parameters`);
      return reference;
    });
  };
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === "string") return fill(value, path);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        // The parameters themselves are not filled in: `pick: ["{{x}}"]` is not a reference.
        if (path === "" && key === "parameters") {
          out[key] = item;
          continue;
        }
        const childPath = path ? `${path}.${key}` : key;
        out[String(fill(key, childPath))] = walk(item, childPath);
      }
      return out;
    }
    return value;
  };
  const value = walk(template, "");
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
