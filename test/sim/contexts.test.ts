import { describe, expect, it } from "vitest";
import { createSession, execute, finishEdit, tick, type SessionState } from "../../worker/sim/engine.ts";
import { clusterView } from "../../worker/sim/view.ts";

const T = Date.UTC(2026, 0, 1);

function session(): { run(line: string): string; state(): SessionState; prompt(): string } {
  let state = createSession({ seed: 7, now: T, clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }, { name: "k8s-c3", profile: { cni: "calico", loadBalancer: "none", ingress: "none" } }] });
  let now = T;
  let prompt = "";
  return {
    run(line) {
      now += 2000;
      const result = execute(state, line, { now, typed: true });
      state = result.state;
      prompt = result.prompt;
      return result.output;
    },
    state: () => state,
    prompt: () => prompt,
  };
}

describe("several clusters in one session (kubectl contexts)", () => {
  it("lists a context per cluster with the current one starred, as kubectl's table does", () => {
    const s = session();
    expect(s.run("kubectl config get-contexts")).toBe(
      ["CURRENT   NAME     CLUSTER   AUTHINFO       NAMESPACE", "*         k8s-c1   k8s-c1    k8s-c1-admin   ", "          k8s-c2   k8s-c2    k8s-c2-admin   ", "          k8s-c3   k8s-c3    k8s-c3-admin   ", ""].join("\n"),
    );
    expect(s.run("kubectl config current-context")).toBe("k8s-c1\n");
    expect(s.run("kubectl config get-clusters")).toBe("NAME\nk8s-c1\nk8s-c2\nk8s-c3\n");
  });

  it("gives each cluster its own nodes, addresses and ranges", () => {
    const s = session();
    expect(s.run("kubectl get nodes -o custom-columns=NAME:.metadata.name,IP:.status.addresses[0].address,CIDR:.spec.podCIDR --no-headers")).toBe(
      "controlplane   192.168.56.10   10.244.0.0/24\nnode01         192.168.56.11   10.244.1.0/24\nnode02         192.168.56.12   10.244.2.0/24\n",
    );
    expect(s.run("kubectl --context k8s-c2 get nodes -o custom-columns=NAME:.metadata.name,IP:.status.addresses[0].address,CIDR:.spec.podCIDR --no-headers")).toBe(
      "cluster2-controlplane   192.168.56.20   10.245.0.0/24\ncluster2-node1          192.168.56.21   10.245.1.0/24\ncluster2-node2          192.168.56.22   10.245.2.0/24\n",
    );
    expect(s.run("kubectl --context k8s-c2 get svc -n kube-system kube-dns -o jsonpath='{.spec.clusterIP}'")).toBe("10.112.0.10");
    expect(s.run("kubectl --context k8s-c3 get svc kubernetes -o jsonpath='{.spec.clusterIP}'")).toBe("10.128.0.1");
    expect(s.run("kubectl --context k8s-c3 get pods -n kube-system -l k8s-app=calico-node -o name | wc -l")).toBe("3\n");
  });

  it("switches kubectl with use-context, refuses an unknown one, and moves the map", () => {
    const s = session();
    expect(s.run("kubectl config use-context k8s-c2")).toBe('Switched to context "k8s-c2".\n');
    expect(s.run("kubectl config use-context k8s-c9")).toBe('error: no context exists with the name: "k8s-c9"\n');
    expect(s.run("kubectl create deployment web --image=nginx")).toBe("deployment.apps/web created\n");
    expect(s.run("kubectl get deploy -o name")).toBe("deployment.apps/web\n");
    expect(s.run("kubectl --context k8s-c1 get deploy")).toBe("No resources found in default namespace.\n");
    expect(s.run("kubectl --context k8s-c9 get deploy")).toBe("Error in configuration: context was not found for specified context: k8s-c9\n");
    expect(s.state().contexts?.current).toBe("k8s-c2");
    expect(clusterView(s.state()).nodes.map((n) => n.name)).toEqual(["cluster2-controlplane", "cluster2-node1", "cluster2-node2"]);
    s.run("kubectl config use-context k8s-c1");
    expect(clusterView(s.state()).nodes.map((n) => n.name)).toEqual(["controlplane", "node01", "node02"]);
    expect(s.run("kubectl --context=k8s-c2 get deploy -o name")).toBe("deployment.apps/web\n");
  });

  it("reaches another cluster's node by name over ssh, where kubectl talks to that cluster", () => {
    const s = session();
    s.run("kubectl --context k8s-c3 create namespace exam");
    s.run("ssh cluster3-controlplane");
    expect(s.prompt()).toBe("student@cluster3-controlplane:~$ ");
    expect(s.run("kubectl get ns exam -o name")).toBe("namespace/exam\n");
    expect(s.run("kubectl config current-context")).toBe("kubernetes-admin@kubernetes\n");
    s.run("exit");
    expect(s.run("ssh cluster2-node1 hostname")).toBe("cluster2-node1\n");
    expect(s.run("kubectl get ns exam")).toBe('Error from server (NotFound): namespaces "exam" not found\n');
  });

  it("keeps the workstation's files across a switch: it is one machine whatever the context", () => {
    const s = session();
    expect(s.run("mkdir -p course/1 && kubectl get nodes -o name > course/1/nodes.txt")).toBe("");
    s.run("kubectl config use-context k8s-c2");
    expect(s.run("cat course/1/nodes.txt")).toBe("node/controlplane\nnode/node01\nnode/node02\n");
    s.run("echo two >> course/1/nodes.txt");
    s.run("kubectl config use-context k8s-c3");
    expect(s.run("tail -1 course/1/nodes.txt")).toBe("two\n");
    expect(s.run("ssh cluster2-node1 cat course/1/nodes.txt")).toBe("cat: course/1/nodes.txt: No such file or directory\n");
  });

  it("saves kubectl --context X edit into that context's cluster, not the console's", () => {
    let state = createSession({ seed: 7, now: T, clusters: [{ name: "k8s-c1" }, { name: "k8s-c2" }] });
    state = execute(state, "kubectl --context k8s-c2 create configmap settings --from-literal=mode=old", { now: T + 1000 }).state;
    const opened = execute(state, "kubectl --context k8s-c2 edit configmap settings", { now: T + 2000, editors: true });
    expect(opened.editor?.content).toContain("mode: old");
    const saved = finishEdit(opened.state, { token: opened.editor!.token, content: opened.editor!.content.replace("mode: old", "mode: new") }, { now: T + 3000 });
    expect(saved.output).toBe("configmap/settings edited\n");
    const read = execute(saved.state, "kubectl --context k8s-c2 get configmap settings -o jsonpath='{.data.mode}'; kubectl get configmap settings", { now: T + 4000 });
    expect(read.output).toBe('newError from server (NotFound): configmaps "settings" not found\n');
  });

  it("keeps every cluster's controllers running: a parked cluster's pods start", () => {
    const s = session();
    s.run("kubectl --context k8s-c2 run web --image=nginx");
    const later = tick(s.state(), T + 120_000);
    const parked = later.contexts!.parked["k8s-c2"];
    expect(parked.pods["default/web"]?.status.phase).toBe("Running");
  });

  it("leaves a session made without clusters as it was: one cluster, kubeadm's context", () => {
    const state = createSession({ seed: 7, now: T });
    expect(state.contexts).toBeUndefined();
    const result = execute(state, "kubectl config get-contexts", { now: T + 1000 });
    expect(result.output).toBe("CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n");
  });
});
