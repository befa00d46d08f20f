// kubernetes.io, "Using Source IP": kubernetes/website content/en/docs/tutorials/services/source-ip.md
// at commit f904ebf26666b3a9a1f4f0f8d6cd8ceaa32a5e89. Each command is typed as the page gives it;
// the Service's address, the NodePort and the nodes are read off the outputs as the page says. The
// page's cluster runs the source-ip-app pod on one node, as this one does (node01).

import { describe, expect, it } from "vitest";
import { environmentDifference, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const PAGE = {
  created: "deployment.apps/source-ip-app created",
  nodes: `NAME                           STATUS     ROLES    AGE     VERSION
kubernetes-node-6jst   Ready      <none>   2h      v1.13.0
kubernetes-node-cx31   Ready      <none>   2h      v1.13.0
kubernetes-node-jj1t   Ready      <none>   2h      v1.13.0`,
  proxyMode: "iptables",
  clusterip: `NAME         TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE
clusterip    ClusterIP   10.0.170.92   <none>        80/TCP    51s`,
  wget: `CLIENT VALUES:
client_address=10.244.3.8
command=GET`,
  snat: `client_address=10.180.1.1
client_address=10.240.0.5
client_address=10.240.0.3`,
  local: "client_address=198.51.100.79",
  loadbalancer: `NAME           TYPE           CLUSTER-IP    EXTERNAL-IP       PORT(S)   AGE
loadbalancer   LoadBalancer   10.0.65.118   203.0.113.140     80/TCP    5m`,
  lbSnat: `CLIENT VALUES:
client_address=10.240.0.5`,
  healthCheckNodePort: "  healthCheckNodePort: 32122",
  podsWide: `NAME                            READY     STATUS    RESTARTS   AGE       IP             NODE
source-ip-app-826191075-qehz4   1/1       Running   0          20h       10.180.1.136   kubernetes-node-6jst`,
  healthy: "1 Service Endpoints found",
  unhealthy: "No Service Endpoints Found",
  lbLocal: `CLIENT VALUES:
client_address=198.51.100.79`,
};

const PAGE_NODES = /\bkubernetes-node-\w+\b/g;

describe("kubernetes.io: Using Source IP", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  matches("kubectl create deployment source-ip-app --image=k8s.gcr.io/echoserver:1.4", () => {
    expect(k.type("kubectl create deployment source-ip-app --image=k8s.gcr.io/echoserver:1.4").output).toBe(`${PAGE.created}\n`);
  });

  environmentDifference("kubectl get nodes", "the page's cluster has three workers and no control-plane node listed; this kubeadm cluster has a control-plane node and two workers, at today's version", () => {
    const out = k.type("kubectl get nodes").output;
    const twoWorkers = PAGE.nodes.split("\n").slice(0, 3).join("\n").replace(/v1\.13\.0/g, "v1.34.1");
    expect(missingLines(out, twoWorkers, { rowsInAnyOrder: true, pageNodes: PAGE_NODES })).toEqual([]);
    expect(out).toMatch(/^controlplane\s+Ready\s+control-plane\s/m);
  });

  matches("curl http://localhost:10249/proxyMode (on a node)", () => {
    k.type("ssh node01");
    const out = k.type("curl http://localhost:10249/proxyMode").output;
    k.type("exit");
    // kube-proxy writes the mode without a newline.
    expect(out).toBe(PAGE.proxyMode);
  });

  matches("kubectl expose deployment source-ip-app --name=clusterip --port=80 --target-port=8080", () => {
    expect(k.type("kubectl expose deployment source-ip-app --name=clusterip --port=80 --target-port=8080").output).toBe("service/clusterip exposed\n");
  });

  matches("kubectl get svc clusterip", () => {
    const out = k.type("kubectl get svc clusterip").output;
    expect(missingLines(out, PAGE.clusterip)).toEqual([]);
    seen.clusterIP = /^clusterip\s+ClusterIP\s+(\S+)/m.exec(out)![1];
  });

  eraDifference(
    "kubectl run busybox -it --image=busybox --restart=Never --rm",
    "kubectl attaches at once and warns that the session is recorded, where an old one printed 'Waiting for pod ...'",
    () => {
      const out = k.type("kubectl run busybox -it --image=busybox --restart=Never --rm").output;
      expect(out).toContain("If you don't see a command prompt, try pressing enter.\n");
      k.type("");
    },
  );

  environmentDifference("ip addr", "the page's pod network gives eth0 an MTU of 1460 (GCE); flannel's VXLAN gives 1450 and names the veth's peer (eth0@ifN)", () => {
    const out = k.type("ip addr").output;
    expect(out).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue/m);
    const eth0 = /inet (\d+\.\d+\.\d+\.\d+)\/24 brd \S+ scope global eth0/.exec(out);
    expect(eth0).not.toBeNull();
    seen.clientIP = eth0![1];
  });

  matches("wget -qO - CLUSTER_IP", () => {
    const out = k.type(`wget -qO - ${seen.clusterIP}`).output;
    expect(missingLines(out, PAGE.wget)).toEqual([]);
    // "always the client pod's IP address"
    expect(out).toContain(`client_address=${seen.clientIP}\n`);
    k.type("exit");
  });

  matches("kubectl expose deployment source-ip-app --name=nodeport --port=80 --target-port=8080 --type=NodePort", () => {
    expect(k.type("kubectl expose deployment source-ip-app --name=nodeport --port=80 --target-port=8080 --type=NodePort").output).toBe("service/nodeport exposed\n");
  });

  matches("for node in $NODES; do curl -s $node:$NODEPORT | grep -i client_address; done", () => {
    k.type(`NODEPORT=$(kubectl get -o jsonpath="{.spec.ports[0].nodePort}" services nodeport)`);
    k.type(`NODES=$(kubectl get nodes -o jsonpath='{ $.items[*].status.addresses[?(@.type=="InternalIP")].address }')`);
    const out = k.type("for node in $NODES; do curl -s $node:$NODEPORT | grep -i client_address; done").output;
    // Three answers, none from the workstation: each node's own address towards the pod (SNAT).
    expect(missingLines(out, PAGE.snat)).toEqual([]);
    expect(out).not.toContain("client_address=192.168.56.1\n");
  });

  matches(`kubectl patch svc nodeport -p '{"spec":{"externalTrafficPolicy":"Local"}}'`, () => {
    expect(k.type(`kubectl patch svc nodeport -p '{"spec":{"externalTrafficPolicy":"Local"}}'`).output).toBe("service/nodeport patched\n");
  });

  matches("for node in $NODES; do curl --connect-timeout 1 -s $node:$NODEPORT | grep -i client_address; done", () => {
    const out = k.type("for node in $NODES; do curl --connect-timeout 1 -s $node:$NODEPORT | grep -i client_address; done").output;
    // One answer, from the node with the endpoint, with the workstation's own address.
    expect(missingLines(out, PAGE.local)).toEqual([]);
    expect(out.trim().split("\n")).toHaveLength(1);
  });

  matches("kubectl expose deployment source-ip-app --name=loadbalancer --port=80 --target-port=8080 --type=LoadBalancer", () => {
    expect(k.type("kubectl expose deployment source-ip-app --name=loadbalancer --port=80 --target-port=8080 --type=LoadBalancer").output).toBe(
      "service/loadbalancer exposed\n",
    );
    k.wait(5);
  });

  eraDifference("kubectl get svc loadbalancer", "kubectl has listed a LoadBalancer's NodePort in PORT(S) (80:3XXXX/TCP) since 1.7; the page's row has only the port", () => {
    const out = k.type("kubectl get svc loadbalancer").output;
    expect(missingLines(out, PAGE.loadbalancer.replace("80/TCP ", "80:30000/TCP "))).toEqual([]);
    seen.externalIP = /^loadbalancer\s+LoadBalancer\s+\S+\s+([\d.]+)\s/m.exec(out)![1];
  });

  matches("curl EXTERNAL_IP", () => {
    const out = k.type(`curl ${seen.externalIP}`).output;
    expect(missingLines(out, PAGE.lbSnat)).toEqual([]);
    expect(out).not.toContain("client_address=192.168.56.1\n");
  });

  matches(`kubectl patch svc loadbalancer -p '{"spec":{"externalTrafficPolicy":"Local"}}'; kubectl get svc loadbalancer -o yaml | grep -i healthCheckNodePort`, () => {
    expect(k.type(`kubectl patch svc loadbalancer -p '{"spec":{"externalTrafficPolicy":"Local"}}'`).output).toBe("service/loadbalancer patched\n");
    const out = k.type("kubectl get svc loadbalancer -o yaml | grep -i healthCheckNodePort").output;
    expect(missingLines(out, PAGE.healthCheckNodePort)).toEqual([]);
    seen.healthCheckNodePort = /healthCheckNodePort: (\d+)/.exec(out)![1];
  });

  eraDifference(
    "kubectl get pod -o wide -l run=source-ip-app",
    "kubectl create deployment labels its pods app=NAME; the page's pods were made by kubectl run, which labelled them run=NAME until 1.18, so the learner finds nothing",
    () => {
      expect(k.type("kubectl get pod -o wide -l run=source-ip-app").output).toBe("No resources found in default namespace.\n");
      const out = k.type("kubectl get pod -o wide -l app=source-ip-app").output;
      expect(missingLines(out, PAGE.podsWide, { olderColumns: true, pageNodes: PAGE_NODES })).toEqual([]);
      seen.podNode = /^source-ip-app-\S+\s.*\s(node\d\d)\s/m.exec(out)![1];
    },
  );

  eraDifference(
    "curl localhost:HEALTH_CHECK_NODE_PORT/healthz (on the pod's node, then on another)",
    "kube-proxy's health check server has answered JSON with the count of local endpoints since 1.9, where the page's kube-proxy printed a sentence",
    () => {
      k.type(`ssh ${seen.podNode}`);
      const here = k.type(`curl localhost:${seen.healthCheckNodePort}/healthz`).output;
      k.type("exit");
      expect(here).toMatch(/"localEndpoints": ?1\b/);
      const other = seen.podNode === "node01" ? "node02" : "node01";
      k.type(`ssh ${other}`);
      const there = k.type(`curl localhost:${seen.healthCheckNodePort}/healthz`).output;
      k.type("exit");
      expect(there).toMatch(/"localEndpoints": ?0\b/);
    },
  );

  matches("curl EXTERNAL_IP (externalTrafficPolicy Local)", () => {
    k.wait(10);
    const out = k.type(`curl ${seen.externalIP}`).output;
    expect(missingLines(out, PAGE.lbLocal)).toEqual([]);
    expect(out).toContain("client_address=192.168.56.1\n");
  });

  eraDifference("kubectl delete svc -l run=source-ip-app", "the Services carry the Deployment's label app=source-ip-app (kubectl create deployment), not the old kubectl run's run=source-ip-app", () => {
    expect(k.type("kubectl delete svc -l run=source-ip-app").output).toBe("No resources found\n");
    expect(k.type("kubectl delete svc -l app=source-ip-app").output).toBe(
      'service "clusterip" deleted from default namespace\nservice "loadbalancer" deleted from default namespace\nservice "nodeport" deleted from default namespace\n',
    );
  });

  it("kubectl delete deployment source-ip-app", () => {
    expect(k.type("kubectl delete deployment source-ip-app").output).toBe('deployment.apps "source-ip-app" deleted from default namespace\n');
  });
});
