import { describe, expect, it } from "vitest";
import { announcement } from "../../../web/src/console/announcement.ts";

describe("the console's announcement for screen readers", () => {
  it("summarises a long output by its size and first line instead of reading it all", () => {
    const page = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n" + "<p>x</p>\n".repeat(20) + "</html>\n";
    const said = announcement({ command: "curl http://192.168.1.11:30080/", output: page, exitCode: 0 });
    expect(said).toBe("curl http://192.168.1.11:30080/: 25 lines of output, exit code 0. <!DOCTYPE html>");
  });

  it("says when a command printed nothing, and how a failed one ended", () => {
    expect(announcement({ command: "true", output: "", exitCode: 0 })).toBe("true: no output, exit code 0.");
    expect(announcement({ command: "kubectl get pod x", output: 'Error from server (NotFound): pods "x" not found\n', exitCode: 1 })).toBe(
      'kubectl get pod x: 1 line of output, exit code 1. Error from server (NotFound): pods "x" not found',
    );
  });

  it("shortens a very long first line", () => {
    const said = announcement({ command: "echo", output: "a".repeat(300), exitCode: 0 });
    expect(said.length).toBeLessThan(130);
    expect(said.endsWith("…")).toBe(true);
  });

  it("says nothing before the first command", () => {
    expect(announcement(undefined)).toBe("");
  });
});
