// redis-cli in the redis image: commands through the Service, real replies, data kept per run.
import { describe, expect, it } from "vitest";
import { runRedisCommand } from "../../../../worker/sim/net/apps/redis-server.ts";
import { simConsole } from "../../console.ts";

function session() {
  const run = simConsole(21, 4000);
  run("kubectl run db --image=redis");
  run("kubectl expose pod db --port 6379");
  run("kubectl run client --image=redis -- sleep infinity");
  run("kubectl get pods");
  run("kubectl get pods");
  return run;
}

describe("redis-cli through a Service", () => {
  it("answers on a terminal as redis-cli does", () => {
    const run = session();
    const cli = (args: string) => run(`kubectl exec -it client -- redis-cli -h db ${args}`);
    expect(cli("ping").output).toBe("PONG\n");
    expect(cli("get k").output).toBe("(nil)\n");
    expect(cli("set k v").output).toBe("OK\n");
    expect(cli("get k").output).toBe('"v"\n');
    expect(cli("incr n").output).toBe("(integer) 1\n");
    expect(cli("keys '*'").output).toBe('1) "k"\n2) "n"\n');
    expect(cli("del k").output).toBe("(integer) 1\n");
    const bad = cli("incr nope x");
    expect(bad.output).toBe("(error) ERR wrong number of arguments for 'incr' command\ncommand terminated with exit code 1\n");
    expect(bad.exitCode).toBe(1);
    expect(cli("hello world").output).toBe("(error) ERR unknown command 'hello', with args beginning with: 'world' \ncommand terminated with exit code 1\n");
  });
  it("prints raw values without a terminal", () => {
    const run = session();
    run("kubectl exec client -- redis-cli -h db set k 'a b'");
    expect(run("kubectl exec client -- redis-cli -h db get k").output).toBe("a b\n");
    expect(run("kubectl exec client -- redis-cli -h db get missing").output).toBe("\n");
  });
  it("routes through DNS and the Service, and fails as redis-cli does", () => {
    const run = session();
    const ok = run("kubectl exec client -- redis-cli -h db ping");
    const trace = ok.traces.at(-1);
    expect(trace?.verdict).toBe("answered");
    expect(trace?.hops.map((h) => h.kind)).toEqual(["dns", "client", "service", "endpoint", "pod", "process"]);
    expect(run("kubectl exec client -- redis-cli -h nosuch ping").output).toBe("Could not connect to Redis at nosuch:6379: Name or service not known\ncommand terminated with exit code 1\n");
    run("kubectl delete pod db");
    run("kubectl get pods");
    expect(run("kubectl exec client -- redis-cli -h db ping").output).toBe("Could not connect to Redis at db:6379: Connection refused\ncommand terminated with exit code 1\n");
  });
  it("loses its data when the database pod is recreated", () => {
    const run = session();
    run("kubectl exec client -- redis-cli -h db set k v");
    run("kubectl delete pod db");
    run("kubectl run db --image=redis");
    run("kubectl get pods");
    run("kubectl get pods");
    expect(run("kubectl exec -it client -- redis-cli -h db get k").output).toBe("(nil)\n");
  });
  it("is not on the workstation or in an nginx pod", () => {
    const run = session();
    expect(run("redis-cli -h db ping").output).toBe("redis-cli: command not found\n");
  });
});

describe("runRedisCommand", () => {
  it.each([
    [["SET", "a", "1", "NX"], { type: "status", text: "OK" }],
    [["setnx", "a", "1"], { type: "integer", value: 1 }],
    [["exists", "a", "b"], { type: "integer", value: 0 }],
    [["ttl", "a"], { type: "integer", value: -2 }],
    [["ping", "hi"], { type: "string", text: "hi" }],
    [["incrby", "a", "x"], { type: "error", text: "ERR value is not an integer or out of range" }],
  ] as const)("%j", (argv, reply) => {
    expect(runRedisCommand({}, argv).reply).toEqual(reply);
  });
});
