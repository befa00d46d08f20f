// A container's files: its image's (nginx's index.html and default.conf, the kubelet's
// resolv.conf and hosts) under what was written in it, lost when the pod is recreated, and what
// nginx serves is what the container holds.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

describe("files in containers", () => {
  const run = simTerminal(41);
  run("kubectl create deployment web --image=nginx");
  run("kubectl expose deployment web --port=80 --type=NodePort --name=web");
  run("sleep 10");
  const pod = () => run("kubectl get pods -o name").output.trim();
  const nodePort = () => run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output;

  it("has the image's files and the shells' own messages", () => {
    expect(run(`kubectl exec ${pod()} -- cat /usr/share/nginx/html/index.html`).output).toMatch(/^<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!<\/title>/);
    expect(run(`kubectl exec ${pod()} -- grep -w listen /etc/nginx/conf.d/default.conf`).output).toBe("    listen       80;\n    listen  [::]:80;\n");
    expect(run(`kubectl exec ${pod()} -- cat /nope`)).toEqual({ output: "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n", exitCode: 1 });
    expect(run(`kubectl exec ${pod()} -- sh -c 'echo x > /sys/x; echo y > /nope/x'`).output).toBe(
      "sh: 1: cannot create /sys/x: Read-only file system\nsh: 1: cannot create /nope/x: Directory nonexistent\ncommand terminated with exit code 1\n",
    );
  });

  it("serves what was written to index.html, a new page, and 403 without an index", () => {
    run(`kubectl exec ${pod()} -- sh -c 'echo hi > /usr/share/nginx/html/index.html; echo new > /usr/share/nginx/html/new.html'`);
    expect(run(`curl -s http://192.168.56.11:${nodePort()}/`).output).toBe("hi\n");
    expect(run(`curl -s http://192.168.56.11:${nodePort()}/new.html`).output).toBe("new\n");
    run(`kubectl exec ${pod()} -- rm /usr/share/nginx/html/index.html`);
    expect(run(`curl -s -o /dev/null -w '%{http_code}' http://192.168.56.11:${nodePort()}/`).output).toBe("403");
  });

  it("loses the container's writes when the pod is recreated, as the writable layer goes with it", () => {
    run(`kubectl exec ${pod()} -- sh -c 'echo gone > /tmp/mine'`);
    expect(run(`kubectl exec ${pod()} -- cat /tmp/mine`).output).toBe("gone\n");
    run(`kubectl delete ${pod()}`);
    run("sleep 10");
    expect(run(`kubectl exec ${pod()} -- cat /tmp/mine`).output).toBe("cat: /tmp/mine: No such file or directory\ncommand terminated with exit code 1\n");
    expect(run(`curl -s http://192.168.56.11:${nodePort()}/ | grep title`).output).toBe("<title>Welcome to nginx!</title>\n");
  });

  it("keeps busybox's wording in busybox images", () => {
    run("kubectl run bb --image=busybox --restart=Never -- sleep 3600");
    run("sleep 10");
    expect(run("kubectl exec bb -- cat /nope").output).toBe("cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n");
    expect(run("kubectl exec bb -- cat /etc").output).toBe("cat: read error: Is a directory\ncommand terminated with exit code 1\n");
    expect(run("kubectl exec bb -- sh -c 'echo y > /nope/x'").output).toBe("sh: can't create /nope/x: nonexistent directory\ncommand terminated with exit code 1\n");
    expect(run("kubectl exec bb -- ls /").output).toBe("bin\ndev\netc\nhome\nlib\nlib64\nproc\nroot\nsys\ntmp\nusr\nvar\n");
    // On a terminal busybox lays names out in columns as wide as the longest name plus two.
    expect(run("kubectl exec -it bb -- ls /").output).toBe("bin    etc    lib    proc   sys    usr\ndev    home   lib64  root   tmp    var\n");
    expect(run("kubectl exec bb -- ls /nope")).toEqual({ output: "ls: /nope: No such file or directory\ncommand terminated with exit code 1\n", exitCode: 1 });
    expect(run("kubectl exec bb -- sh -c 'echo hi > /tmp/x; ls -l /tmp'").output).toBe("total 4\n-rw-r--r--    1 root     root             3 Jan  1 00:02 x\n");
  });
});
