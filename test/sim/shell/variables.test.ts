// Shell variables in the console, as a learner of Services uses them: a NodePort read with
// kubectl into a variable, then curl'd; `$?` after a failed request; the Service variables a pod
// got from the kubelet; and each shell (workstation, node, pod) keeping its own.
import { describe, expect, it } from "vitest";
import { simConsole } from "../console.ts";

const console_ = () => simConsole(11, 3000);

describe("shell variables in the console", () => {
  const run = console_();
  run("kubectl run web --image=nginx");
  run("kubectl expose pod web --port 80 --type NodePort");
  const nodePort = run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").output;

  it("keeps a NodePort read with $(kubectl ...) for the next command, which curls it", () => {
    const set = run("NODE_PORT=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
    expect(set).toMatchObject({ output: "", exitCode: 0 });
    expect(run('echo "port $NODE_PORT"').output).toBe(`port ${nodePort}\n`);
    const curl = run("curl -s -o /dev/null -w '%{http_code}' http://192.168.56.12:$NODE_PORT");
    expect(curl.output).toBe("200");
    expect(curl.traces[0].hops.length).toBeGreaterThan(2);
  });

  it("answers $? with the last status, on the same line and on the next", () => {
    expect(run("curl -s -m 1 http://10.96.0.1; echo $?").output).toBe("28\n");
    run("curl -s -m 1 http://10.96.0.1");
    expect(run("echo $?").output).toBe("28\n");
    expect(run("echo $?").output).toBe("0\n");
  });

  it("exports, lists and unsets variables as bash does", () => {
    run("export TARGET=$(kubectl get svc web -o jsonpath='{.spec.clusterIP}')");
    expect(run("env | grep TARGET").output).toMatch(/^TARGET=10\.\d+\.\d+\.\d+\n$/);
    expect(run("export | grep TARGET").output).toMatch(/^declare -x TARGET="10\.\d+\.\d+\.\d+"\n$/);
    run("unset TARGET");
    expect(run('echo "[$TARGET]"').output).toBe("[]\n");
    expect(run("export 9lives=1")).toMatchObject({ output: "-bash: export: `9lives=1': not a valid identifier\n", exitCode: 1 });
    expect(run("echo $HOME $USER $HOSTNAME").output).toBe("/home/student student workstation\n");
  });

  it("expands variables in a heredoc, unless its delimiter is quoted", () => {
    run("APP=echo PORT=5678");
    const applied = run("kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: $APP\nspec:\n  selector:\n    app: $APP\n  ports:\n  - port: $PORT\nEOF");
    expect(applied).toMatchObject({ output: "service/echo created\n", exitCode: 0 });
    expect(run("kubectl get svc echo -o jsonpath='{.spec.ports[0].port}'").output).toBe("5678");
    expect(run("cat <<'EOF'\n$APP \\$PORT\nEOF").output).toBe("$APP \\$PORT\n");
    expect(run("cat <<EOF\n$APP \\$PORT $(hostname)\nEOF").output).toBe("echo $PORT workstation\n");
  });

  it("runs a substitution in a subshell: what it sets does not stay", () => {
    expect(run("echo $(X=inner; echo $X) [$X]").output).toBe("inner []\n");
    // Its lines run one after another, as if joined with ;.
    expect(run("echo $(hostname\nnosuch\necho done)")).toMatchObject({ output: "nosuch: command not found\nworkstation done\n", exitCode: 0 });
  });

  it("expands a pod's Service variables inside the pod, not on the workstation", () => {
    run("kubectl run client --image=busybox -- sleep 3600");
    run("kubectl get pods");
    const inPod = run(`kubectl exec client -- sh -c 'wget -qO- http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT | head -1'`);
    expect(inPod.output).toBe("<!DOCTYPE html>\n");
    expect(run('echo "[$WEB_SERVICE_HOST]"').output).toBe("[]\n");
  });

  it("gives each shell its own variables: a pod shell's are gone after exit", () => {
    run("kubectl exec -it client -- sh");
    expect(run('X=1; echo "$X in $HOSTNAME"').output).toBe("1 in client\n");
    run("exit");
    expect(run('echo "[$X]"').output).toBe("[]\n");
    run("ssh node01");
    expect(run("echo $HOSTNAME").output).toBe("node01\n");
    run("exit");
  });
});
