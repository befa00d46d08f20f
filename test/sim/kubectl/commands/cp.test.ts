// kubectl cp: kubectl's file specs and errors (cp.go), and tar's lines from inside the container
// (GNU tar in nginx's Debian image, busybox's applet), as the real command prints them.
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

/** Pod web (nginx), pod bb (busybox) and pod who (traefik/whoami: no shell, no tar). */
function lab() {
  const run = simConsole(17, 2000);
  run("kubectl run web --image=nginx");
  run("kubectl run bb --image=busybox -- sleep 3600");
  run("kubectl run who --image=traefik/whoami");
  run("sleep 30");
  return run;
}

describe("kubectl cp", () => {
  it("copies a file out of a container; tar's note about the leading slash comes on stdout", () => {
    const run = lab();
    const out = run("kubectl cp web:/etc/nginx/conf.d/default.conf ./default.conf");
    expect(out).toEqual(expect.objectContaining({ output: "tar: Removing leading '/' from member names\n", exitCode: 0 }));
    expect(run("head -2 default.conf").output).toBe("server {\n    listen       80;\n");
    // A relative path in the container has no leading slash to remove.
    expect(run("kubectl cp bb:etc/hostname h").output).toBe("");
    expect(run("cat h").output).toBe("bb\n");
    expect(run("kubectl cp bb:/etc/hostname h2").output).toBe("tar: removing leading '/' from member names\n");
  });

  it("copies a file into a container (into a directory under its own name), and the container serves it", () => {
    const run = lab();
    run("echo '<h1>copied</h1>' > index.html");
    expect(run("kubectl cp index.html web:/usr/share/nginx/html/index.html")).toEqual(expect.objectContaining({ output: "", exitCode: 0 }));
    expect(run("kubectl exec web -- cat /usr/share/nginx/html/index.html").output).toBe("<h1>copied</h1>\n");
    expect(run("kubectl cp index.html default/bb:/tmp").exitCode).toBe(0);
    expect(run("kubectl exec bb -- cat /tmp/index.html").output).toBe("<h1>copied</h1>\n");
  });

  it("copies directories both ways: the source directory's contents land at the destination", () => {
    const run = lab();
    run("mkdir -p site/css && echo a > site/a.txt && echo b > site/css/b.css");
    expect(run("kubectl cp site bb:/tmp/site").exitCode).toBe(0);
    expect(run("kubectl exec bb -- ls /tmp/site /tmp/site/css").output).toBe("/tmp/site:\na.txt\ncss\n\n/tmp/site/css:\nb.css\n");
    expect(run("kubectl cp bb:/tmp/site back").exitCode).toBe(0);
    expect(run("cat back/a.txt back/css/b.css").output).toBe("a\nb\n");
  });

  it("names the container with -c and finds the pod in another namespace", () => {
    const run = lab();
    run("kubectl create namespace team");
    run("kubectl run app -n team --image=nginx");
    run("sleep 30");
    expect(run("kubectl cp team/app:/etc/hostname name -c app").exitCode).toBe(0);
    expect(run("cat name").output).toBe("app\n");
    expect(run("kubectl cp team/app:/etc/hostname name -c nope").output).toBe("Error from server (BadRequest): container nope is not valid for pod app\n");
  });

  it.each([
    ["kubectl cp a", "error: source and destination are required\n", 1],
    ["kubectl cp web:/a bb:/b", "error: one of src or dest must be a local file specification\n", 1],
    ["kubectl cp a b", "error: one of src or dest must be a remote file specification\n", 1],
    ["kubectl cp :a b", "error: filespec must match the canonical format: [[namespace/]pod:]file/path\n", 1],
    ["kubectl cp a/b/c:d e", "error: filespec must match the canonical format: [[namespace/]pod:]file/path\n", 1],
    ["kubectl cp web: b", "error: filepath can not be empty\n", 1],
    ["kubectl cp missing.txt web:/tmp", "error: missing.txt doesn't exist in local filesystem\n", 1],
    ["kubectl cp nope:/etc/hosts h", 'Error from server (NotFound): pods "nope" not found\n', 1],
    [
      "kubectl cp web:/tmp/none x",
      "tar: /tmp/none: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2\n",
      2,
    ],
    ["kubectl cp bb:/tmp/none x", "tar: /tmp/none: No such file or directory\ntar: error exit delayed from previous errors\ncommand terminated with exit code 1\n", 1],
    ["kubectl cp web:/etc/hostname .", "tar: Removing leading '/' from member names\nerror: open .: is a directory\n", 1],
  ])("%s", (line, output, exitCode) => {
    const run = lab();
    expect(run(line)).toEqual(expect.objectContaining({ output, exitCode }));
  });

  it("fails as tar does when the container's target directory is missing, and as exec does without tar", () => {
    const run = lab();
    run("echo x > f");
    expect(run("kubectl cp f web:/nowhere/f")).toEqual(
      expect.objectContaining({ output: "tar: /nowhere: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n", exitCode: 2 }),
    );
    expect(run("kubectl cp f bb:/nowhere/f").output).toBe("tar: can't change directory to '/nowhere': No such file or directory\ncommand terminated with exit code 1\n");
    const noTar = run("kubectl cp f who:/tmp/f");
    expect(noTar.exitCode).toBe(1);
    expect(noTar.output).toMatch(/^error: Internal error occurred: .*exec: "tar": executable file not found in \$PATH: unknown\n$/);
  });

  it("loses what it copied into a container when the container restarts", () => {
    const run = lab();
    run("kubectl run short --image=busybox -- sleep 60");
    run("sleep 20");
    run("echo x > f");
    run("kubectl cp f short:/tmp/f");
    expect(run("kubectl exec short -- cat /tmp/f").output).toBe("x\n");
    run("sleep 50");
    expect(run("kubectl get pod short -o jsonpath='{.status.containerStatuses[0].restartCount}'").output).toBe("1");
    expect(run("kubectl exec short -- cat /tmp/f").output).toBe("cat: can't open '/tmp/f': No such file or directory\ncommand terminated with exit code 1\n");
  });
});
