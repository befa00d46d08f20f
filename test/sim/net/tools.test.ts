// Output formats of the network tools, per place and version.

import { describe, expect, it } from "vitest";
import { IPS, WORKSTATION, cluster, inPod, lectureCluster, onNode, run, withPod, withService } from "./fixtures.ts";

describe("curl", () => {
  const s = lectureCluster();
  it("prints curl 8.5.0's refused message on the workstation", () => {
    const r = run(s, [WORKSTATION], `curl ${IPS.node01}:31999`);
    expect(r.err).toBe(`curl: (7) Failed to connect to ${IPS.node01} port 31999 after 0 ms: Couldn't connect to server\n`);
    expect(r.code).toBe(7);
  });
  it("waits for the kernel's SYN retries without -m (in the message only) and exits 28", () => {
    const r = run(s, [WORKSTATION], "curl 10.244.1.5");
    expect(r.err).toMatch(/^curl: \(28\) Failed to connect to 10\.244\.1\.5 port 80 after 1[23]\d{4} ms: Couldn't connect to server\n$/);
  });
  it("uses curlimages/curl 8.17's texts inside that image", () => {
    const r = run(s, inPod("far"), "curl nosuch");
    expect(r.err).toBe("curl: (6) Could not resolve host: nosuch\n");
    const v = run(s, inPod("far"), "curl -sv 10.244.1.5:81");
    expect(v.err).toMatch(/^\*   Trying 10\.244\.1\.5:81\.\.\.\n\* connect to 10\.244\.1\.5 port 81 from 10\.244\.2\.9 port \d+ failed: Connection refused\n\* Failed to connect to 10\.244\.1\.5 port 81 after 0 ms: Could not connect to server\n/);
  });
  it("shows an empty reply from redis and HTTP/0.9 from mysql", () => {
    let t = withPod(s, { name: "db", ip: "10.244.1.30", image: "redis" });
    t = withPod(t, { name: "my", ip: "10.244.2.30", node: "node02", image: "mysql" });
    expect(run(t, onNode("node01"), "curl 10.244.1.30:6379").err).toBe("curl: (52) Empty reply from server\n");
    expect(run(t, onNode("node01"), "curl 10.244.2.30:3306").err).toBe("curl: (1) Received HTTP/0.9 when not allowed\n");
  });
  it("prints whoami's report with the SNAT address and the request headers", () => {
    let t = withPod(cluster(), { name: "who", ip: "10.244.2.40", node: "node02", image: "traefik/whoami" });
    t = withService(t, { name: "who", type: "NodePort", clusterIP: "10.96.50.50", ports: [{ port: 80, nodePort: 30200 }] });
    const r = run(t, [WORKSTATION], `curl -s -H 'X-Test: 1' ${IPS.node01}:30200`);
    expect(r.out).toMatch(/^Hostname: who\nIP: 127\.0\.0\.1\nIP: ::1\nIP: 10\.244\.2\.40\nIP: fe80::[0-9a-f:]+\nRemoteAddr: 10\.244\.1\.0:\d+\nGET \/ HTTP\/1\.1\nHost: 192\.168\.56\.11:30200\nUser-Agent: curl\/8\.5\.0\nAccept: \*\/\*\nX-Test: 1\n\n$/);
  });
  it("answers httpd's It works! and tomcat's 404 page", () => {
    let t = withPod(cluster(), { name: "h", ip: "10.244.1.50", image: "httpd" });
    t = withPod(t, { name: "tc", ip: "10.244.1.51", image: "tomcat" });
    expect(run(t, onNode("node01"), "curl -s 10.244.1.50").out).toBe("<html><body><h1>It works!</h1></body></html>\n");
    const tc = run(t, onNode("node01"), "curl -si 10.244.1.51:8080");
    expect(tc.out).toMatch(/^HTTP\/1\.1 404 \nContent-Type: text\/html;charset=utf-8\n/);
    expect(tc.out).toContain("<h3>Apache Tomcat/11.0.13</h3>");
  });
});

describe("wget, nslookup, ping, ssh", () => {
  const s = withService(lectureCluster(), { name: "empty", clusterIP: "10.96.60.60", selector: { app: "none" }, ports: [{ port: 80 }] });
  it("prints busybox wget's messages", () => {
    expect(run(s, inPod("client"), "wget -qO- empty").err).toBe("wget: can't connect to remote host (10.96.60.60): Connection refused\n");
    expect(run(s, inPod("client"), "wget -qO- nosuch").err).toBe("wget: bad address 'nosuch'\n");
    expect(run(s, inPod("client"), "wget -O- -T 2 10.96.100.10:81").err).toBe("Connecting to 10.96.100.10 (10.96.100.10:81)\nwget: download timed out\n");
  });
  it("prints busybox nslookup's NXDOMAIN for unknown names and exits 1", () => {
    const r = run(s, inPod("client"), "nslookup nosuch");
    expect(r.out).toBe(
      "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
        ["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "default.svc.cluster.local", "svc.cluster.local", "cluster.local"].map((d) => `** server can't find nosuch.${d}: NXDOMAIN\n\n`).join(""),
    );
    expect(r.code).toBe(1);
  });
  it("prints busybox nslookup's answer, the search domains' NXDOMAINs and AAAA's empty answer (its blank line only, since busybox 1.34), and exits 1 for any NXDOMAIN", () => {
    const head = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n";
    const cases: Array<{ line: string; out: string; code: number }> = [
      {
        line: "nslookup kubernetes",
        out:
          head +
          "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n" +
          "** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n** server can't find kubernetes.cluster.local: NXDOMAIN\n\n" +
          "\n" +
          "** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n** server can't find kubernetes.cluster.local: NXDOMAIN\n\n",
        code: 1,
      },
      {
        line: "nslookup kubernetes.default.svc.cluster.local",
        out: head + "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n\n",
        code: 0,
      },
      {
        // busybox applies no search domain to a name with a dot (the well-known busybox >= 1.29 behaviour).
        line: "nslookup kubernetes.default",
        out: head + "** server can't find kubernetes.default: NXDOMAIN\n\n** server can't find kubernetes.default: NXDOMAIN\n\n",
        code: 1,
      },
    ];
    for (const c of cases) {
      const r = run(s, inPod("client"), c.line);
      expect(r.out, c.line).toBe(c.out);
      expect(r.code, c.line).toBe(c.code);
    }
  });
  it("does not get ICMP answers from a ClusterIP but does from a pod", () => {
    expect(run(s, onNode("node02"), "ping -c 3 10.96.100.10").out).toContain("3 packets transmitted, 0 received, 100% packet loss");
    expect(run(s, inPod("client"), "ping -c 1 10.244.2.7").out).toMatch(/^PING 10\.244\.2\.7 \(10\.244\.2\.7\): 56 data bytes\n64 bytes from 10\.244\.2\.7: seq=0 ttl=63 time=0\.\d{3} ms\n/);
  });
  it("moves onto a node with ssh and back with exit", () => {
    const r = run(s, [WORKSTATION], "ssh node02");
    expect(r.shell.at(-1)).toEqual({ kind: "node", node: "node02", user: "student" });
    const back = run(r.state, r.shell, "exit");
    expect(back.out).toBe("logout\nConnection to node02 closed.\n");
    expect(back.shell).toEqual([WORKSTATION]);
    expect(run(s, [WORKSTATION], "ssh node9").err).toBe("ssh: Could not resolve hostname node9: Name or service not known\n");
  });
  it("runs only the tools an image ships", () => {
    expect(run(s, inPod("client"), "curl web").err).toBe("sh: curl: not found\n");
    expect(run(s, [WORKSTATION], "wget x").err).toBe("wget: command not found\n");
  });
});

describe("nginx", () => {
  const s = withPod(cluster(), { name: "web", ip: "10.244.1.60", image: "nginx" });
  it("serves index.html and 50x.html from its html directory with the static module's headers", () => {
    const cases = [
      { path: "/", title: "<title>Welcome to nginx!</title>", length: 615 },
      { path: "/50x.html", title: "<title>Error</title>", length: 497 },
    ];
    for (const c of cases) {
      const r = run(s, onNode("node01"), `curl -si 10.244.1.60${c.path}`);
      expect(r.out, c.path).toContain(`\nContent-Length: ${c.length}\nLast-Modified: Tue, 28 Oct 2025 12:05:10 GMT\nConnection: keep-alive\nETag: "6900b176-${c.length.toString(16)}"\nAccept-Ranges: bytes\n`);
      expect(r.out, c.path).toContain(c.title);
    }
  });
  it("writes the failed open() to its error log before the access-log line of a 404", () => {
    const first = run(s, onNode("node01"), "curl -s 10.244.1.60/");
    const r = run(first.state, onNode("node01"), "curl -s 10.244.1.60/a%20b?x=1");
    const logs = r.state.podRuntime["default/web"].logs;
    expect(logs.slice(-2)).toEqual([
      '2025/11/26 10:00:00 [error] 30#30: *2 open() "/usr/share/nginx/html/a b" failed (2: No such file or directory), client: 10.244.1.1, server: localhost, request: "GET /a%20b?x=1 HTTP/1.1", host: "10.244.1.60"',
      '10.244.1.1 - - [26/Nov/2025:10:00:00 +0000] "GET /a%20b?x=1 HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"',
    ]);
  });
});
