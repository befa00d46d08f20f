// ConfigMap and Secret volumes: each key (or each item's path) a file under the mount path, read
// from the object as it is now, Secret values decoded, modes from the item or defaultMode, the
// mount read-only (EROFS for every change), and nginx serving a ConfigMap mounted as its html root.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const manifest = (body: string) => `kubectl apply -f - <<EOF\n${body}\nEOF`;

describe("configMap and secret volumes in a container", () => {
  const run = simTerminal(7);
  run("kubectl create configmap cfg --from-literal=color=blue --from-literal=size=L");
  run("kubectl create secret generic db --from-literal=password=s3cret");
  // Modes in decimal (256 = 0400, 384 = 0600), as the API stores them.
  run(
    manifest(`apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "infinity"]
    volumeMounts:
    - {name: config, mountPath: /etc/config}
    - {name: creds, mountPath: /etc/creds/}
    - {name: picked, mountPath: /etc/picked}
  volumes:
  - name: config
    configMap: {name: cfg}
  - name: creds
    secret: {secretName: db, defaultMode: 256}
  - name: picked
    configMap:
      name: cfg
      items:
      - {key: color, path: sub/colour.txt, mode: 384}`),
  );
  run("sleep 10");

  it.each([
    { command: "ls /etc/config", output: "color\nsize\n" },
    { command: "cat /etc/config/color /etc/config/size", output: "blueL" },
    { command: "cat /etc/creds/password", output: "s3cret" },
    { command: "ls /etc/picked", output: "sub\n" },
    { command: "cat /etc/picked/sub/colour.txt", output: "blue" },
  ])("$command shows the volume's files", ({ command, output }) => {
    expect(run(`kubectl exec app -- ${command}`)).toEqual({ output, exitCode: 0 });
  });

  it.each([
    { path: "/etc/config/color", mode: "-rw-r--r--" },
    { path: "/etc/creds/password", mode: "-r--------" },
    { path: "/etc/picked/sub/colour.txt", mode: "-rw-------" },
  ])("$path has mode $mode", ({ path, mode }) => {
    expect(run(`kubectl exec app -- ls -l ${path}`).output.slice(0, 10)).toBe(mode);
  });

  it.each([
    { command: "sh -c 'echo x > /etc/config/color'", error: "sh: can't create /etc/config/color: Read-only file system" },
    { command: "sh -c 'echo y > /etc/config/new'", error: "sh: can't create /etc/config/new: Read-only file system" },
    { command: "rm /etc/config/size", error: "rm: can't remove '/etc/config/size': Read-only file system" },
    { command: "mkdir /etc/config/d", error: "mkdir: can't create directory '/etc/config/d': Read-only file system" },
    { command: "touch /etc/creds/password", error: "touch: /etc/creds/password: Read-only file system" },
  ])("$command fails: the mount is read-only", ({ command, error }) => {
    expect(run(`kubectl exec app -- ${command}`)).toEqual({ output: `${error}\ncommand terminated with exit code 1\n`, exitCode: 1 });
    expect(run("kubectl exec app -- ls /etc/config").output).toBe("color\nsize\n");
  });

  it("shows the ConfigMap as it is now after it changes", () => {
    run(`kubectl patch configmap cfg -p '{"data":{"color":"red"}}'`);
    expect(run("kubectl exec app -- cat /etc/config/color").output).toBe("red");
  });
});

describe("nginx serving a ConfigMap mounted at its html root", () => {
  const run = simTerminal(8);
  run("kubectl create configmap site --from-literal=index.html='<h1>from a ConfigMap</h1>' --from-literal=about.html=about");
  run(
    manifest(`apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx
    volumeMounts:
    - {name: html, mountPath: /usr/share/nginx/html}
  volumes:
  - name: html
    configMap: {name: site}`),
  );
  run("kubectl expose pod web --port=80 --type=NodePort");
  run("sleep 10");
  const url = (path: string) => `http://192.168.56.11:${run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output}${path}`;

  it.each([
    { path: "/", body: "<h1>from a ConfigMap</h1>" },
    { path: "/about.html", body: "about" },
  ])("serves $path from the ConfigMap", ({ path, body }) => {
    expect(run(`curl -s ${url(path)}`).output).toBe(body);
  });

  it("hides the image's own pages under the mount", () => {
    expect(run(`curl -s -o /dev/null -w '%{http_code}' ${url("/50x.html")}`).output).toBe("404");
    expect(run("kubectl exec web -- ls /usr/share/nginx/html").output).toBe("about.html\nindex.html\n");
  });
});
