import { describe, expect, it } from "vitest";
import { createSession, execute } from "../../../../worker/sim/engine.ts";
import { editorConsole } from "../../console.ts";

const HEADER = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

function withWeb() {
  const c = editorConsole();
  c.run("kubectl create deployment web --image=nginx");
  c.run("kubectl expose deployment web --port=80");
  return c;
}

describe("kubectl edit", () => {
  it("opens the object's YAML under kubectl's header, in vi by default", () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc web");
    expect(opened.output).toBe("");
    expect(opened.editor?.editor).toBe("vi");
    expect(opened.editor?.title).toMatch(/^\/tmp\/kubectl-edit-\d{9}\.yaml$/);
    expect(opened.editor?.content.startsWith(HEADER)).toBe(true);
    expect(opened.editor?.content.slice(HEADER.length)).toBe(c.state.editing && execute({ ...c.state, editing: undefined }, "kubectl get svc web -o yaml", { now: Date.UTC(2026, 0, 2) }).output);
  });

  it("applies a saved change: service/web edited", () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc web");
    const saved = c.reply({ token: opened.editor!.token, content: opened.editor!.content.replace("port: 80\n", "port: 8080\n") });
    expect(saved.output).toBe("service/web edited\n");
    expect(saved.exitCode).toBe(0);
    expect(c.run("kubectl get svc web -o jsonpath='{.spec.ports[0].port}'").output).toBe("8080");
  });

  it("leaves server-side apply's managedFields out of the editor unless --show-managed-fields, and keeps them on the object", () => {
    const c = editorConsole();
    c.run("cat > cm.yaml <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: \"1\"\nEOF");
    expect(c.run("kubectl apply --server-side -f cm.yaml").output).toBe("configmap/settings serverside-applied\n");
    const opened = c.run("kubectl edit cm settings");
    expect(opened.editor!.content).not.toContain("managedFields");
    expect(c.reply({ token: opened.editor!.token, content: opened.editor!.content.replace('level: "1"', 'level: "2"') }).output).toBe("configmap/settings edited\n");
    expect(c.run("kubectl get cm settings -o jsonpath='{.data.level} {.metadata.managedFields[0].manager}'").output).toBe("2 kubectl");
    const shown = c.run("kubectl edit cm settings --show-managed-fields");
    expect(shown.editor!.content).toContain("  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:data:\n        f:level: {}\n    manager: kubectl\n    operation: Apply\n");
    c.reply({ token: shown.editor!.token, cancel: true });
  });

  it("changes nothing when left without saving or saved unchanged", () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc/web");
    expect(c.reply({ token: opened.editor!.token, cancel: true }).output).toBe("Edit cancelled, no changes made.\n");
    const again = c.run("kubectl edit service web");
    expect(c.reply({ token: again.editor!.token, content: again.editor!.content.replace(HEADER, "") }).output).toBe("Edit cancelled, no changes made.\n");
    const emptied = c.run("kubectl edit svc web");
    expect(c.reply({ token: emptied.editor!.token, content: "# nothing\n" }).output).toBe("Edit cancelled, saved file was empty.\n");
  });

  it("reopens an invalid edit with the reasons at the top, and gives up when it is saved unchanged", () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc web");
    const invalid = opened.editor!.content.replace("port: 80\n", "port: 70000\n");
    const reopened = c.reply({ token: opened.editor!.token, content: invalid });
    expect(reopened.output).toBe('error: services "web" is invalid\n');
    expect(reopened.editor?.content).toContain(HEADER + '# services "web" was not valid:\n# * spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n#\n');
    expect(reopened.editor?.content).toContain("port: 70000\n");
    const gaveUp = c.reply({ token: reopened.editor!.token, content: reopened.editor!.content });
    expect(gaveUp.output).toBe(`A copy of your changes has been stored to "${opened.editor!.title}"\nerror: Edit cancelled, no valid changes were saved.\n`);
    expect(gaveUp.exitCode).toBe(1);
    expect(c.run("kubectl get svc web -o jsonpath='{.spec.ports[0].port}'").output).toBe("80");
  });

  it("reopens a syntax error with kubectl's reason", () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc web");
    const reopened = c.reply({ token: opened.editor!.token, content: opened.editor!.content + "  bad: [\n" });
    expect(reopened.editor?.content).toMatch(/^# Please edit[\s\S]*# The edited file had a syntax error: error converting YAML to JSON: yaml: line \d+: /);
  });

  it("honours KUBE_EDITOR and EDITOR as far as they name vi, vim or nano", () => {
    const c = withWeb();
    expect(c.run("KUBE_EDITOR=nano kubectl edit svc web").editor?.editor).toBe("nano");
    c.reply({ token: c.state.editing!.token, cancel: true });
    c.run("export EDITOR=/usr/bin/vim");
    expect(c.run("kubectl edit svc web").editor?.editor).toBe("vim");
    c.reply({ token: c.state.editing!.token, cancel: true });
    expect(c.run("EDITOR=code kubectl edit svc web").output).toBe('error: unable to launch the editor "code"\n');
  });

  it("reports a missing object as kubectl get does", () => {
    const c = withWeb();
    const result = c.run("kubectl edit svc nope");
    expect(result.output).toBe('Error from server (NotFound): services "nope" not found\n');
    expect(result.editor).toBeUndefined();
  });

  it("needs the browser console in npm run sim", () => {
    const state = createSession({ seed: 1, now: 0 });
    const result = execute(state, "kubectl edit svc kubernetes", { now: 1000 });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain("needs the browser console");
  });

  it("edits as JSON with -o json", async () => {
    const c = withWeb();
    const opened = c.run("kubectl edit svc web -o json");
    expect(opened.editor?.title).toMatch(/\.json$/);
    expect(opened.editor?.content).toContain('"port": 80,');
    const saved = c.reply({ token: opened.editor!.token, content: opened.editor!.content.replace('"port": 80,', '"port": 81,') });
    expect(saved.output).toBe("service/web edited\n");
  });
});
