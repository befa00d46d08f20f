// Where -o jsonpath-file=FILE and -o go-template-file=FILE read their template: the printers stay
// free of the shell, and the command that prints hands them a reader of the machine kubectl runs on
// (templateFileReader in ../files.ts).

export type TemplateFileResult = { ok: true; text: string } | { ok: false; error: string };

/** Reads a template file; `error` is os.ReadFile's error text (`open F: no such file or directory`). */
export type ReadTemplateFile = (path: string) => TemplateFileResult;
