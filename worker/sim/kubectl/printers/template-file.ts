// Where -o jsonpath-file=FILE and -o go-template-file=FILE read their template. kubectl runs on the
// workstation, which has no files yet; the workstation's file system plugs in here when it comes,
// and until then every path answers as os.ReadFile does for a file that is not there.

export type TemplateFileResult = { ok: true; text: string } | { ok: false; error: string };

export function readTemplateFile(path: string): TemplateFileResult {
  return { ok: false, error: `open ${path}: no such file or directory` };
}
