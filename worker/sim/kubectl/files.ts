// Where kubectl reads `-f`: standard input for `-`, a file of the workstation (or of the node it
// runs on), or every .json, .yaml and .yml file of a directory, as kubectl's resource builder
// visits them (FileVisitor; directories are not entered without -R).

import { lookupCatalogue, offlineNotice } from "../catalogue/index.ts";
import { baseName } from "../files/file-system.ts";
import { programFiles } from "../shell/fs-context.ts";
import type { Kubectl } from "./context.ts";
import type { ReadTemplateFile } from "./printers/template-file.ts";

export interface ManifestSource {
  /** How kubectl names it in its errors: `STDIN`, or the path as given (`dir/web.yaml` in a directory). */
  source: string;
  text: string;
  /** A file of the catalogue (a published release manifest): not held to the console's size limit. */
  catalogued?: boolean;
}

/** The extensions kubectl reads in a directory (resource.FileExtensions). */
const EXTENSIONS = [".json", ".yaml", ".yml"];

export function readManifestSources(k: Kubectl, names: string[]): { ok: true; sources: ManifestSource[] } | { ok: false; error: string } {
  const sources: ManifestSource[] = [];
  const files = programFiles(k.ctx);
  for (const name of names) {
    if (name === "-") {
      sources.push({ source: "STDIN", text: k.ctx.stdin ?? "" });
      continue;
    }
    if (/^https?:\/\//.test(name)) {
      // The catalogue stands in for the internet; Go's client follows k8s.io's redirect.
      const hit = lookupCatalogue(name);
      if (hit) {
        sources.push({ source: name, text: hit.file.text, catalogued: true });
        continue;
      }
      k.ctx.note?.(offlineNotice(name));
      return { ok: false, error: `Unable to connect to the server: dial tcp: lookup ${urlHost(name)} on 127.0.0.53:53: no such host` };
    }
    const path = files?.resolve(name);
    const stat = files && path ? files.fs.stat(path) : undefined;
    if (!files || !path || !stat?.ok) {
      if (stat && !stat.ok && stat.errno === "EACCES") return { ok: false, error: `error: stat ${name}: permission denied` };
      return { ok: false, error: `error: the path "${name}" does not exist` };
    }
    if (stat.value.type === "dir") {
      const listed = files.fs.list(path);
      const found = (listed.ok ? listed.value : []).filter((entry) => EXTENSIONS.some((ext) => entry.endsWith(ext)) && !files.fs.isDir(`${path}/${entry}`));
      if (found.length === 0) return { ok: false, error: `error: error reading [${name}]: recognized file extensions are [.json .yaml .yml]` };
      for (const entry of found) {
        const read = files.fs.read(`${path === "/" ? "" : path}/${entry}`);
        if (read.ok) sources.push({ source: `${name.replace(/\/+$/, "")}/${baseName(entry)}`, text: read.value });
      }
      continue;
    }
    const read = files.fs.read(path);
    if (!read.ok) return { ok: false, error: `error: open ${name}: ${read.errno === "EACCES" ? "permission denied" : "no such file or directory"}` };
    sources.push({ source: name, text: read.value });
  }
  return { ok: true, sources };
}

/** The host of an http(s) URL as Go's dialer names it (no port, no credentials). */
function urlHost(url: string): string {
  const authority = url.replace(/^https?:\/\//, "").split(/[/?#]/)[0];
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  return host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "");
}

/** A local file's text for kubectl (--from-file, --cert, a template file); `errno` in Go's words when it cannot be read. */
export function readLocalFile(k: Kubectl, name: string): { ok: true; text: string } | { ok: false; error: string; missing: boolean } {
  const files = programFiles(k.ctx);
  const read = files ? files.fs.read(files.resolve(name)) : ({ ok: false, errno: "ENOENT" } as const);
  if (read.ok) return { ok: true, text: read.value };
  const error = read.errno === "EACCES" ? "permission denied" : read.errno === "EISDIR" ? "is a directory" : read.errno === "ENOTDIR" ? "not a directory" : "no such file or directory";
  return { ok: false, error, missing: read.errno === "ENOENT" || read.errno === "ENOTDIR" };
}

/** The regular files of a local directory (name and text), or undefined when `name` is not a directory. */
export function readLocalDirectory(k: Kubectl, name: string): Array<{ name: string; text: string }> | undefined {
  const files = programFiles(k.ctx);
  if (!files) return undefined;
  const path = files.resolve(name);
  if (!files.fs.isDir(path)) return undefined;
  const listed = files.fs.list(path);
  const out: Array<{ name: string; text: string }> = [];
  for (const entry of listed.ok ? listed.value : []) {
    const read = files.fs.read(`${path === "/" ? "" : path}/${entry}`);
    if (read.ok) out.push({ name: entry, text: read.value });
  }
  return out;
}

/** How -o go-template-file=F and -o jsonpath-file=F read F: os.ReadFile's error text, which kubectl wraps. */
export function templateFileReader(k: Kubectl): ReadTemplateFile {
  return (path) => {
    const read = readLocalFile(k, path);
    if (read.ok) return read;
    // os.ReadFile opens a directory fine and fails on reading it.
    return { ok: false, error: `${read.error === "is a directory" ? "read" : "open"} ${path}: ${read.error}` };
  };
}
