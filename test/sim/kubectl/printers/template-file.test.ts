// -o go-template-file, templatefile and jsonpath-file read the template from the workstation's files,
// and answer as kubectl does (os.ReadFile's words) when the file cannot be read.
import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("kubectl -o go-template-file / jsonpath-file", () => {
  const run = simTerminal(41);
  run("cat > t.tpl <<'EOF'\n{{.metadata.name}} {{range .spec.ports}}{{.port}}{{end}}\nEOF");
  run("cat > j.tpl <<'EOF'\n{.metadata.name}:{.spec.ports[0].name}\nEOF");
  run("mkdir tpl");

  it.each([
    ["kubectl get svc kubernetes -o go-template-file=t.tpl", "kubernetes 443\n", 0],
    ["kubectl get svc kubernetes -o templatefile=t.tpl", "kubernetes 443\n", 0],
    ["kubectl get svc kubernetes -o go-template-file --template=t.tpl", "kubernetes 443\n", 0],
    ["kubectl get svc kubernetes -o jsonpath-file=j.tpl", "kubernetes:https\n", 0],
    ["kubectl create deployment web --image=nginx --dry-run=client -o go-template-file=t.tpl", "web \n", 0],
    ["kubectl get svc kubernetes -o go-template-file=nope.tpl", "error: error reading --template nope.tpl, open nope.tpl: no such file or directory\n", 1],
    ["kubectl get svc kubernetes -o jsonpath-file=nope.tpl", "error: error reading --template nope.tpl, open nope.tpl: no such file or directory\n", 1],
    ["kubectl get svc kubernetes -o go-template-file=tpl", "error: error reading --template tpl, read tpl: is a directory\n", 1],
    ["kubectl create deployment web --image=nginx -o jsonpath-file=nope.tpl", "error: error reading --template nope.tpl, open nope.tpl: no such file or directory\n", 1],
  ])("%s", (line, output, exitCode) => {
    expect(run(line)).toEqual({ output, exitCode });
  });
});
