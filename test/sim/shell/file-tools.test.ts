// The workstation's files through bash and coreutils: redirections, cd and the prompt, and the
// file tools with the messages the real ones print (checked against coreutils 9 and bash 5).
import { describe, expect, it } from "vitest";
import { simConsole, simTerminal } from "../console.ts";

describe("files on the workstation", () => {
  const run = simTerminal(7, 1000);
  run("echo hello > f.txt");
  run("mkdir -p a/b");

  it.each([
    ["cat f.txt", "hello\n", 0],
    ["echo more >> f.txt; cat < f.txt", "hello\nmore\n", 0],
    ["echo once > f.txt; cat f.txt", "once\n", 0],
    ["cat nope", "cat: nope: No such file or directory\n", 1],
    ["cat a", "cat: a: Is a directory\n", 1],
    ["cat /root/secret", "cat: /root/secret: Permission denied\n", 1],
    ["cat nope 2> err.txt; cat err.txt", "cat: nope: No such file or directory\n", 0],
    ["cat f.txt nope &> both.txt; cat both.txt", "once\ncat: nope: No such file or directory\n", 0],
    ["echo x > a", "-bash: a: Is a directory\n", 1],
    ["echo x > nope/f", "-bash: nope/f: No such file or directory\n", 1],
    ["echo x > /etc/motd", "-bash: /etc/motd: Permission denied\n", 1],
    ["echo x > /proc/x", "-bash: /proc/x: Permission denied\n", 1],
    ["cat < nope", "-bash: nope: No such file or directory\n", 1],
    ["ls nope", "ls: cannot access 'nope': No such file or directory\n", 2],
    ["ls /root", "ls: cannot open directory '/root': Permission denied\n", 2],
    ["ls a", "b\n", 0],
    ["cp", "cp: missing file operand\nTry 'cp --help' for more information.\n", 1],
    ["cp f.txt", "cp: missing destination file operand after 'f.txt'\nTry 'cp --help' for more information.\n", 1],
    ["cp a x", "cp: -r not specified; omitting directory 'a'\n", 1],
    ["cp nope x", "cp: cannot stat 'nope': No such file or directory\n", 1],
    ["cp f.txt f.txt", "cp: 'f.txt' and 'f.txt' are the same file\n", 1],
    ["cp -r a a/in", "cp: cannot copy a directory, 'a', into itself, 'a/in'\n", 1],
    ["cp f.txt /etc/", "cp: cannot create regular file '/etc/f.txt': Permission denied\n", 1],
    ["mv nope x", "mv: cannot stat 'nope': No such file or directory\n", 1],
    ["mv a a/sub", "mv: cannot move 'a' to a subdirectory of itself, 'a/sub'\n", 1],
    ["rm a", "rm: cannot remove 'a': Is a directory\n", 1],
    ["rm nope", "rm: cannot remove 'nope': No such file or directory\n", 1],
    ["rm -f nope", "", 0],
    ["rm", "rm: missing operand\nTry 'rm --help' for more information.\n", 1],
    ["rm -rf /", "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n", 1],
    ["rm -r .", "rm: refusing to remove '.' or '..' directory: skipping '.'\n", 1],
    ["mkdir a", "mkdir: cannot create directory ‘a’: File exists\n", 1],
    ["mkdir x/y", "mkdir: cannot create directory ‘x/y’: No such file or directory\n", 1],
    ["mkdir -p f.txt/z", "mkdir: cannot create directory ‘f.txt’: Not a directory\n", 1],
    ["mkdir", "mkdir: missing operand\nTry 'mkdir --help' for more information.\n", 1],
    ["touch nope/x", "touch: cannot touch 'nope/x': No such file or directory\n", 1],
    ["touch", "touch: missing file operand\nTry 'touch --help' for more information.\n", 1],
    ["tee nope/x < f.txt", "tee: nope/x: No such file or directory\nonce\n", 1],
    ["head nope", "head: cannot open 'nope' for reading: No such file or directory\n", 1],
    ["tail a", "tail: error reading 'a': Is a directory\n", 1],
    ["wc f.txt", "1 1 5 f.txt\n", 0],
    ["wc -l f.txt", "1 f.txt\n", 0],
    ["wc f.txt f.txt", " 1  1  5 f.txt\n 1  1  5 f.txt\n 2  2 10 total\n", 0],
    ["grep once f.txt f.txt", "f.txt:once\nf.txt:once\n", 0],
    ["grep -c once f.txt nope", "f.txt:1\ngrep: nope: No such file or directory\n", 2],
    ["head -1 f.txt f.txt", "==> f.txt <==\nonce\n\n==> f.txt <==\nonce\n", 0],
    ["cd f.txt", "-bash: cd: f.txt: Not a directory\n", 1],
    ["cd nope", "-bash: cd: nope: No such file or directory\n", 1],
    ["cd /root", "-bash: cd: /root: Permission denied\n", 1],
    ["pwd", "/home/student\n", 0],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});

describe("ls", () => {
  const run = simTerminal(8, 60_000);
  run("mkdir -p dir/sub && touch .hidden b.yaml && echo hello > a.txt");

  it.each([
    ["ls", "a.txt  b.yaml  dir\n"],
    ["ls | cat", "a.txt\nb.yaml\ndir\n"],
    ["ls -a", ".  ..  .hidden  a.txt  b.yaml  dir\n"],
    ["ls -A", ".hidden  a.txt  b.yaml  dir\n"],
    ["ls -l", "total 8\n-rw-rw-r-- 1 student student    6 Jan  1 00:01 a.txt\n-rw-rw-r-- 1 student student    0 Jan  1 00:01 b.yaml\ndrwxrwxr-x 3 student student 4096 Jan  1 00:01 dir\n"],
    ["ls -ld dir", "drwxrwxr-x 3 student student 4096 Jan  1 00:01 dir\n"],
    ["ls a.txt dir", "a.txt\n\ndir:\nsub\n"],
    ["ls -l /tmp", "total 0\n"],
  ])("%s", (line, output) => {
    expect(run(line)).toEqual({ output, exitCode: 0 });
  });

  it("shows /tmp's sticky bit and a long listing of a directory's . and ..", () => {
    expect(run("ls -ld /tmp").output).toMatch(/^drwxrwxrwt 2 root root 4096 \w{3} [ \d]\d [\d:]{5} \/tmp\n$/);
    expect(run("ls -la dir").output).toMatch(/^total 12\ndrwxrwxr-x 3 student student 4096 Jan  1 00:01 \.\ndrwxr-x--- 3 student student 4096 .+ \.\.\ndrwxrwxr-x 2 student student 4096 Jan  1 00:01 sub\n$/);
  });
});

describe("cd and the prompt", () => {
  it("shows the working directory in the prompt as bash's \\w does, and cd - goes back", () => {
    const run = simConsole(9);
    expect(run("mkdir -p work/yaml && cd work/yaml").prompt).toBe("student@workstation:~/work/yaml$ ");
    expect(run("pwd").output).toBe("/home/student/work/yaml\n");
    expect(run("cd /tmp").prompt).toBe("student@workstation:/tmp$ ");
    const back = run("cd -");
    expect(back.output).toBe("/home/student/work/yaml\n");
    expect(back.prompt).toBe("student@workstation:~/work/yaml$ ");
    expect(run("echo $PWD").output).toBe("/home/student/work/yaml\n");
    expect(run("cd ..; cd ~").prompt).toBe("student@workstation:~$ ");
    expect(run("echo hi > ~/work/x; cat work/x").output).toBe("hi\n");
  });
});

describe("moving and copying", () => {
  it("copies and moves files and whole directories, keeping what they hold", () => {
    const run = simTerminal(10);
    run("mkdir -p src/deep && echo one > src/deep/1.txt && echo two > src/2.txt");
    expect(run("cp -r src dst && cat dst/deep/1.txt dst/2.txt")).toEqual({ output: "one\ntwo\n", exitCode: 0 });
    expect(run("mv dst moved && ls && cat moved/deep/1.txt")).toEqual({ output: "moved  src\none\n", exitCode: 0 });
    expect(run("mv src/2.txt moved/ && ls src moved")).toEqual({ output: "moved:\n2.txt  deep\n\nsrc:\ndeep\n", exitCode: 0 });
    expect(run("cp moved/2.txt a b")).toEqual({ output: "cp: target 'b': No such file or directory\n", exitCode: 1 });
    expect(run("rm -r moved src && ls")).toEqual({ output: "", exitCode: 0 });
  });
});

describe("redirection targets that expand", () => {
  const run = simTerminal(11);

  it.each([
    ["S=web; echo hi > $S.yaml; cat web.yaml", "hi\n", 0],
    ["echo w > $(echo sub).txt; cat sub.txt", "w\n", 0],
    ["echo x > ~/t.txt; cat t.txt", "x\n", 0],
    ['echo y > "$NOPE"', "-bash: : No such file or directory\n", 1],
    ["echo z > $NOPE", "-bash: $NOPE: ambiguous redirect\n", 1],
    ['F="a b"; echo q > $F', "-bash: $F: ambiguous redirect\n", 1],
    ['F="a b"; echo q > "$F"; cat "a b"', "q\n", 0],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });

  it("quotes names on a terminal as GNU ls does, and not in a pipe", () => {
    run("touch \"it's\"");
    expect(run("ls").output).toBe("'a b'  \"it's\"   sub.txt   t.txt   web.yaml\n");
    expect(run("ls | head -2").output).toBe("a b\nit's\n");
  });
});
