// kubernetes.io, "Debug Services": kubernetes/website
// content/en/docs/tasks/debug/debug-application/debug-service.md at commit
// 0da0b85454ead27eac8758b54d898042ed18354d. Commands "from within a Pod" are typed in a busybox pod
// the learner starts as the page's first step does, and leaves again; commands "on a Node" after
// `ssh node01`. Addresses and names are read off the outputs as the page says.

import { describe, expect, it } from "vitest";
import { environment, environmentDifference, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  created: "deployment.apps/hostnames created",
  scaled: "deployment.apps/hostnames scaled",
  pods: `NAME                        READY     STATUS    RESTARTS   AGE
hostnames-632524106-bbpiw   1/1       Running   0          2m
hostnames-632524106-ly40y   1/1       Running   0          2m
hostnames-632524106-tlaok   1/1       Running   0          2m`,
  podIPs: `10.244.0.5
10.244.0.6
10.244.0.7`,
  hostnames: `hostnames-632524106-bbpiw
hostnames-632524106-ly40y
hostnames-632524106-tlaok`,
  noService: `No resources found.
Error from server (NotFound): services "hostnames" not found`,
  exposed: "service/hostnames exposed",
  svc: `NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
hostnames   ClusterIP   10.0.1.175   <none>        80/TCP    5s`,
  nodeLookup: `Server:         10.0.0.10
Address:        10.0.0.10#53

Name:   hostnames.default.svc.cluster.local
Address: 10.0.1.175`,
  resolvConf: `nameserver 10.0.0.10
search default.svc.cluster.local svc.cluster.local cluster.local example.com
options ndots:5`,
  endpoints: `NAME        ENDPOINTS
hostnames   10.244.0.5:9376,10.244.0.6:9376,10.244.0.7:9376`,
  curlFromNode: "hostnames-632524106-bbpiw",
};

// serve_hostname writes the pod's name without a newline, so answers run together on one line; the
// page prints one a line. Ours are split at each name before comparing.
const oneALine = (out: string): string => out.replace(/(?=hostnames-)/g, "\n");

describe("kubernetes.io: Debug Services", () => {
  const k = learner();
  const seen: Record<string, string> = {};
  /** Runs commands in a fresh busybox pod, as the page's first step starts one, and leaves it. */
  const inPod = (...commands: string[]): string[] => {
    expect(k.type("kubectl run -it --rm --restart=Never busybox --image=busybox sh").output).toContain("If you don't see a command prompt");
    k.type("");
    const outputs = commands.map((c) => k.type(c).output);
    expect(k.type("exit").output).toBe('pod "busybox" deleted from default namespace\n');
    return outputs;
  };

  matches("kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh", () => {
    // A console of its own, so that the pod it leaves behind does not stand in the page's way.
    const other = learner(2);
    expect(other.type("kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh").output).toContain(
      "If you don't see a command prompt, try pressing enter.",
    );
  });

  matches("kubectl create deployment hostnames --image=k8s.gcr.io/serve_hostname", () => {
    expect(k.type("kubectl create deployment hostnames --image=k8s.gcr.io/serve_hostname").output).toBe(`${PAGE.created}\n`);
  });

  matches("kubectl scale deployment hostnames --replicas=3", () => {
    expect(k.type("kubectl scale deployment hostnames --replicas=3").output).toBe(`${PAGE.scaled}\n`);
    k.wait(60);
  });

  matches("kubectl get pods -l app=hostnames", () => {
    expect(missingLines(k.type("kubectl get pods -l app=hostnames").output, PAGE.pods, { rowsInAnyOrder: true })).toEqual([]);
  });

  matches(`kubectl get pods -l app=hostnames -o go-template='{{range .items}}{{.status.podIP}}{{"\\n"}}{{end}}'`, () => {
    const out = k.type(`kubectl get pods -l app=hostnames \\\n    -o go-template='{{range .items}}{{.status.podIP}}{{"\\n"}}{{end}}'`).output;
    expect(missingLines(out, PAGE.podIPs)).toEqual([]);
    seen.podIPs = out.trim().split("\n").join(" ");
  });

  matches("for ep in POD_IP:9376 ...; do wget -qO- $ep; done (from within a pod)", () => {
    const eps = seen.podIPs.split(" ").map((ip) => `${ip}:9376`).join(" ");
    const [out] = inPod(`for ep in ${eps}; do\n    wget -qO- $ep\ndone`);
    expect(missingLines(oneALine(out), PAGE.hostnames)).toEqual([]);
  });

  eraDifference("wget -O- hostnames (from within a pod)", "the page's client pod had GNU wget; busybox's wget says bad address", () => {
    const [out] = inPod("wget -O- hostnames");
    expect(out).toBe("wget: bad address 'hostnames'\n");
  });

  eraDifference("kubectl get svc hostnames (before it exists)", "kubectl stopped printing 'No resources found.' before a NotFound error for a named object", () => {
    const result = k.type("kubectl get svc hostnames");
    expect(result).toEqual({ output: `${PAGE.noService.split("\n")[1]}\n`, exitCode: 1 });
  });

  matches("kubectl expose deployment hostnames --port=80 --target-port=9376", () => {
    expect(k.type("kubectl expose deployment hostnames --port=80 --target-port=9376").output).toBe(`${PAGE.exposed}\n`);
  });

  matches("kubectl get svc hostnames", () => {
    const out = k.type("kubectl get svc hostnames").output;
    expect(missingLines(out, PAGE.svc)).toEqual([]);
    seen.clusterIP = /^hostnames\s+ClusterIP\s+(\S+)/m.exec(out)![1];
  });

  eraDifference(
    "nslookup hostnames; nslookup hostnames.default; nslookup hostnames.default.svc.cluster.local (from within a pod)",
    "busybox 1.28's nslookup asked the C library, which tried the search path; today's busybox prints bind's layout and tries the search path only for a name without a dot, so hostnames.default is not found",
    () => {
      const [short, namespaced, full] = inPod("nslookup hostnames", "nslookup hostnames.default", "nslookup hostnames.default.svc.cluster.local");
      expect(short).toContain(`Name:\thostnames.default.svc.cluster.local\nAddress: ${seen.clusterIP}\n`);
      expect(namespaced).toContain("** server can't find hostnames.default: NXDOMAIN\n");
      expect(full).toContain(`Name:\thostnames.default.svc.cluster.local\nAddress: ${seen.clusterIP}\n`);
    },
  );

  matches("nslookup hostnames.default.svc.cluster.local 10.96.0.10 (from a node)", () => {
    k.type("ssh node01");
    const out = k.type("nslookup hostnames.default.svc.cluster.local 10.96.0.10").output;
    k.type("exit");
    expect(missingLines(out, PAGE.nodeLookup)).toEqual([]);
    expect(out).toContain(`Address: ${seen.clusterIP}\n`);
  });

  environmentDifference("cat /etc/resolv.conf (from within a pod)", "the page's node adds its own search domain, example.com; this cluster's nodes have none (the kubelet writes the search line first)", () => {
    const [out] = inPod("cat /etc/resolv.conf");
    expect(missingLines(out, PAGE.resolvConf.replace(" example.com", "").replace("10.0.0.10", "10.96.0.10"), { anyOrder: true })).toEqual([]);
  });

  eraDifference("nslookup kubernetes.default (from within a pod)", "today's busybox nslookup tries the search path only for a name without a dot (see above); the full name answers", () => {
    const [out, full] = inPod("nslookup kubernetes.default", "nslookup kubernetes.default.svc.cluster.local");
    expect(out).toContain("** server can't find kubernetes.default: NXDOMAIN\n");
    expect(full).toContain("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n");
  });

  matches("for i in $(seq 1 3); do wget -qO- CLUSTER_IP:80; done (from within a pod)", () => {
    const [out] = inPod(`for i in $(seq 1 3); do \n    wget -qO- ${seen.clusterIP}:80\ndone`);
    expect(missingLines(oneALine(out), PAGE.hostnames)).toEqual([]);
  });

  eraDifference("kubectl get service hostnames -o json", "expose no longer names a single port 'default' or writes nodePort 0; since 1.20 spec has clusterIPs, ipFamilies, ipFamilyPolicy and internalTrafficPolicy, and kubectl sorts the keys", () => {
    const service = JSON.parse(k.type("kubectl get service hostnames -o json").output) as {
      metadata: { labels: Record<string, string> };
      spec: { ports: Array<Record<string, unknown>>; selector: Record<string, string>; type: string; sessionAffinity: string };
    };
    expect(service.metadata.labels).toEqual({ app: "hostnames" });
    expect(service.spec.ports).toEqual([{ port: 80, protocol: "TCP", targetPort: 9376 }]);
    expect(service.spec.selector).toEqual({ app: "hostnames" });
    expect([service.spec.type, service.spec.sessionAffinity]).toEqual(["ClusterIP", "None"]);
  });

  matches("kubectl get pods -l app=hostnames (again)", () => {
    expect(missingLines(k.type("kubectl get pods -l app=hostnames").output, PAGE.pods, { rowsInAnyOrder: true })).toEqual([]);
  });

  eraDifference("kubectl get endpoints hostnames", "kubectl prints an AGE column the page's did not; v1 Endpoints is deprecated since 1.33 and the API server's warning comes first", () => {
    const out = k.type("kubectl get endpoints hostnames").output;
    expect(missingLines(out, PAGE.endpoints, { olderColumns: true })).toEqual([]);
    expect(out.split("\n")[0]).toBe("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
  });

  matches("for ep in ENDPOINTS; do wget -qO- $ep; done (from within a pod)", () => {
    const eps = seen.podIPs.split(" ").map((ip) => `${ip}:9376`).join(" ");
    const [out] = inPod(`for ep in ${eps}; do\n    wget -qO- $ep\ndone`);
    expect(missingLines(oneALine(out), PAGE.hostnames)).toEqual([]);
  });

  matches("ps auxw | grep kube-proxy (on a node)", () => {
    k.type("ssh node01");
    const out = k.type("ps auxw | grep kube-proxy").output;
    k.type("exit");
    expect(out).toMatch(/\/usr\/local\/bin\/kube-proxy --config=\/var\/lib\/kube-proxy\/config\.conf --hostname-override=node01/);
  });

  eraDifference(
    "iptables-save | grep hostnames (on a node)",
    "kube-proxy jumps to KUBE-MARK-MASQ where 1.1's set the mark itself, names each endpoint in its comment (1.21) and masquerades off-cluster sources to the ClusterIP in the KUBE-SVC chain",
    () => {
      k.type("ssh node01");
      const out = k.type("sudo iptables-save | grep hostnames").output;
      k.type("exit");
      expect(out.match(/-j DNAT --to-destination [\d.]+:9376$/gm)).toHaveLength(3);
      expect(out).toMatch(new RegExp(`^-A KUBE-SERVICES -d ${seen.clusterIP.replace(/\./g, "\\.")}/32 -p tcp -m comment --comment "default/hostnames cluster IP" -m tcp --dport 80 -j KUBE-SVC-\\w+$`, "m"));
      expect(out).toMatch(/--probability 0\.33333333349 -j KUBE-SEP-\w+$/m);
      expect(out).toMatch(/--probability 0\.50000000000 -j KUBE-SEP-\w+$/m);
    },
  );

  environment("ipvsadm -ln", "for kube-proxy in ipvs mode; this cluster's runs in iptables mode");
  environment("iptables-save | grep hostnames (userspace mode); curl localhost:48577", "the userspace proxy was removed in Kubernetes 1.26");

  matches("curl CLUSTER_IP:80 (on a node)", () => {
    k.type("ssh node01");
    const out = k.type(`curl ${seen.clusterIP}:80`).output;
    k.type("exit");
    expect(missingLines(out, PAGE.curlFromNode)).toEqual([]);
  });

  matches("ps auxw | grep kubelet (on a node)", () => {
    k.type("ssh node01");
    const out = k.type("ps auxw | grep kubelet").output;
    k.type("exit");
    expect(out).toMatch(/\/usr\/bin\/kubelet /);
  });

  environment("for intf in /sys/devices/virtual/net/cbr0/brif/*; ...; ifconfig cbr0 | grep PROMISC", "the page's nodes use kubenet's cbr0 bridge; flannel's is cni0");
});
