// Commands pasted from course notes: the console keeps what bash and kubectl really answer, and a
// hint beside the output names the typographic characters and gives the command as it was meant.
// The lecture's own command, as its slides print it, is the first case.
import { describe, expect, it } from "vitest";
import { renderStep } from "../../../worker/sim/cli/transcript.ts";
import { pasteHint } from "../../../worker/sim/shell/paste-hints.ts";
import { simConsole } from "../console.ts";

const LECTURE = "kubectl expose pod nginx –name nginx-svc –port 8080 –target-port 80 –type NodePort";
const MEANT = "kubectl expose pod nginx --name nginx-svc --port 8080 --target-port 80 --type NodePort";

describe("the lecture's expose command, pasted with en dashes", () => {
  const run = simConsole(5);
  run("kubectl run nginx --image=nginx");

  it("fails as kubectl does, with the hint apart from the output", () => {
    const pasted = run(LECTURE);
    expect(pasted.output).toBe("error: couldn't find port via --port flag or introspection\n");
    expect(pasted.exitCode).toBe(1);
    expect(pasted.hint).toEqual({
      message: "pasted text has 4 × en dash (U+2013): options start with a plain `-` or `--`, so these were passed on as words.",
      corrected: MEANT,
      found: ["en dash (U+2013)"],
    });
  });

  it("runs the corrected command: the NodePort Service the lecture wanted", () => {
    const fixed = run(pasteHint(LECTURE, 1)!.corrected);
    expect(fixed).toMatchObject({ output: "service/nginx-svc exposed\n", exitCode: 0 });
    expect(fixed.hint).toBeUndefined();
    expect(run("kubectl get svc nginx-svc -o jsonpath='{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}'").output).toBe("NodePort 8080 80");
  });

  it("prints a plain hint line in the terminal transcript, after the exit status", () => {
    const text = renderStep("$ ", LECTURE, "error: x\n", 1, pasteHint(LECTURE, 1));
    expect(text.split("\n").slice(2)).toEqual([
      "[exit 1]",
      "hint: pasted text has 4 × en dash (U+2013): options start with a plain `-` or `--`, so these were passed on as words.",
      `hint: meant: ${MEANT}`,
      "",
    ]);
  });
});

/** Each case: the line as pasted, what the console answers (output, exit code), and the command meant. */
const HINTED: Array<{ why: string; line: string; output: string | RegExp; exitCode: number; corrected: string; found: string[] }> = [
  {
    why: "em dashes for --",
    line: "kubectl get pods —selector run=nginx",
    output: 'Error from server (NotFound): pods "—selector" not found\nError from server (NotFound): pods "run=nginx" not found\n',
    exitCode: 1,
    corrected: "kubectl get pods --selector run=nginx",
    found: ["em dash (U+2014)"],
  },
  {
    why: "two minus signs for --",
    line: "kubectl get pods −−show-labels",
    output: 'Error from server (NotFound): pods "−−show-labels" not found\n',
    exitCode: 1,
    corrected: "kubectl get pods --show-labels",
    found: ["minus sign (U+2212)"],
  },
  {
    why: "an en dash before a one-letter option is -",
    line: "kubectl get pods –o wide",
    output: 'Error from server (NotFound): pods "–o" not found\nError from server (NotFound): pods "wide" not found\n',
    exitCode: 1,
    corrected: "kubectl get pods -o wide",
    found: ["en dash (U+2013)"],
  },
  {
    why: "curly double quotes around a jsonpath: printed, and the command succeeded",
    line: "kubectl get pods -o jsonpath=“{.items[*].metadata.name}”",
    output: "“nginx”",
    exitCode: 0,
    corrected: 'kubectl get pods -o jsonpath="{.items[*].metadata.name}"',
    found: ["left double quotation mark (U+201C)", "right double quotation mark (U+201D)"],
  },
  {
    why: "curly single quotes",
    line: "kubectl get pod nginx -o jsonpath=‘{.status.phase}’",
    output: "‘Running’",
    exitCode: 0,
    corrected: "kubectl get pod nginx -o jsonpath='{.status.phase}'",
    found: ["left single quotation mark (U+2018)", "right single quotation mark (U+2019)"],
  },
  {
    why: "a curly quote closing a straight one leaves the quote open",
    line: "kubectl get pod nginx -o jsonpath='{.status.phase}’",
    output: "-bash: unexpected EOF while looking for matching `''\n",
    exitCode: 2,
    corrected: "kubectl get pod nginx -o jsonpath='{.status.phase}'",
    found: ["right single quotation mark (U+2019)"],
  },
  {
    why: "a no-break space between words",
    line: "kubectl\u00A0get pods",
    output: "kubectl\u00A0get: command not found\n",
    exitCode: 127,
    corrected: "kubectl get pods",
    found: ["no-break space (U+00A0)"],
  },
  {
    why: "a zero-width space before the command",
    line: "\u200Bkubectl get pods",
    output: "\u200Bkubectl: command not found\n",
    exitCode: 127,
    corrected: "kubectl get pods",
    found: ["zero width space (U+200B)"],
  },
  {
    why: "a zero-width no-break space (a byte-order mark) inside a name",
    line: "kubectl get pod ngi\uFEFFnx",
    // The API server quotes the name with Go's %q, which writes the invisible character as an escape.
    output: 'Error from server (NotFound): pods "ngi\\ufeffnx" not found\n',
    exitCode: 1,
    corrected: "kubectl get pod nginx",
    found: ["zero width no-break space (U+FEFF)"],
  },
  {
    why: "the $ of a prompt",
    line: "$ kubectl get pods",
    output: "$: command not found\n",
    exitCode: 127,
    corrected: "kubectl get pods",
    found: [],
  },
  {
    why: "the # of a root prompt, which makes the line a comment",
    line: "# kubectl get pods",
    output: "",
    exitCode: 0,
    corrected: "kubectl get pods",
    found: [],
  },
  {
    why: "a backslash followed by spaces at the end of a line",
    line: "kubectl expose pod nginx \\  ",
    output: "error: couldn't find port via --port flag or introspection\n",
    exitCode: 1,
    corrected: "kubectl expose pod nginx \\",
    found: [],
  },
  {
    why: "an en dash inside a name, when the command failed",
    line: "kubectl run web–2 --image=nginx",
    output: /^The Pod "web–2" is invalid: /,
    exitCode: 1,
    corrected: "kubectl run web-2 --image=nginx",
    found: ["en dash (U+2013)"],
  },
  {
    // cobra quotes the word with Go's %q, as real kubectl prints it: the invisible character shows.
    why: "a zero-width space between kubectl's command and its argument",
    line: "kubectl get\u200Bpods",
    output: 'error: unknown command "get\\u200bpods" for "kubectl"\n',
    exitCode: 1,
    corrected: "kubectl getpods",
    found: ["zero width space (U+200B)"],
  },
  {
    // A Windows line ending: bash ends lines at LF, so the CR is the last word's last character,
    // and kubectl quotes the word with %q.
    why: "a Windows line ending after a resource type",
    line: "kubectl get pods\r",
    output: 'error: the server doesn\'t have a resource type "pods\\r"\n',
    exitCode: 1,
    corrected: "kubectl get pods",
    found: ["carriage return (U+000D)"],
  },
  {
    why: "a Windows line ending after an image",
    line: "kubectl run web --image=nginx\r",
    output: 'error: Invalid image name "nginx\\r": invalid reference format\n',
    exitCode: 1,
    corrected: "kubectl run web --image=nginx",
    found: ["carriage return (U+000D)"],
  },
  {
    why: "a Windows line ending after a backslash, which escapes the CR instead of the line end",
    line: "kubectl get pods nginx \\\r",
    output: /^NAME .*\nnginx .*\nError from server \(NotFound\): pods "\\r" not found\n$/,
    exitCode: 1,
    corrected: "kubectl get pods nginx \\",
    found: ["carriage return (U+000D)"],
  },
  {
    // It worked, but printed a CR: never what was meant.
    why: "a Windows line ending on a command that succeeds",
    line: "echo hi\r",
    output: "hi\r\n",
    exitCode: 0,
    corrected: "echo hi",
    found: ["carriage return (U+000D)"],
  },
  {
    // bash matched the delimiter `EOF\r` with the line `EOF\r`; the body kept its CRs. The command
    // as meant drops all of them, or its `EOF` would never close.
    why: "a heredoc with Windows line endings",
    line: "cat <<EOF\r\nhello\r\nEOF\r",
    output: "hello\r\n",
    exitCode: 0,
    corrected: "cat <<EOF\nhello\nEOF",
    found: ["carriage return (U+000D)"],
  },
];

describe("pasted characters that get a hint", () => {
  for (const c of HINTED) {
    it(`${c.why}: ${JSON.stringify(c.line)}`, () => {
      const run = simConsole(5);
      run("kubectl run nginx --image=nginx");
      const result = run(c.line);
      if (typeof c.output === "string") expect(result.output).toBe(c.output);
      else expect(result.output).toMatch(c.output);
      expect(result.exitCode).toBe(c.exitCode);
      expect(result.hint?.corrected).toBe(c.corrected);
      expect(result.hint?.found).toEqual(c.found);
      // The corrected command is good input: no hint of its own.
      expect(run(c.corrected).hint).toBeUndefined();
    });
  }
});

/** Correct input, typographic characters included where they are meant: never a hint. */
const LEGITIMATE: string[] = [
  "kubectl get pods -o wide",
  'echo "a – b"',
  "echo 'deploy — then test'",
  'kubectl annotate pod nginx note="staging – do not delete"',
  "kubectl annotate pod nginx quote='“as written”'",
  "echo don’t panic",
  "echo 2020–2021",
  "echo a – b",
  'echo "a\u00A0b"',
  "kubectl get pods # list them – all of them",
  "# a comment about the lesson",
  "echo $HOME",
  "kubectl get pods \\",
  // A carriage return the learner quoted is their text.
  "echo 'a\rb'",
];

describe("a Windows line ending on a line of its own", () => {
  it("is a command named CR, which bash names ANSI-C quoted; no command was meant, so no hint", () => {
    const run = simConsole(5);
    expect(run("\r")).toMatchObject({ output: "$'\\r': command not found\n", exitCode: 127 });
    expect(run("\r").hint).toBeUndefined();
  });
});

describe("input that must not get a hint", () => {
  for (const line of LEGITIMATE) {
    it(JSON.stringify(line), () => {
      const run = simConsole(5);
      run("kubectl run nginx --image=nginx");
      expect(run(line).hint).toBeUndefined();
    });
  }

  it("a dash inside a word that worked, and characters in a failing command's quotes", () => {
    expect(pasteHint("kubectl label pod nginx tier=web–front", 0)).toBeUndefined();
    expect(pasteHint('kubectl get pod "web – 2"', 1)).toBeUndefined();
  });

  it("never changes the exit code", () => {
    const run = simConsole(5);
    expect(run("$ kubectl get pods").exitCode).toBe(127);
    expect(run("kubectl get pods –A").exitCode).toBe(1);
    expect(run("# kubectl get pods").exitCode).toBe(1);
  });
});
