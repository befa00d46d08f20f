// kubectl describe pod: the container's IDs as describeContainerBasicInfo prints them.

import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("describe pod, container IDs", () => {
  it("prints empty Container ID and Image ID lines while the image cannot be pulled", () => {
    const term = simTerminal(7);
    term("kubectl run bad --image=nginxx");
    const { output } = term("kubectl describe pod bad");
    expect(output).toMatch(/\n {2}bad:\n {4}Container ID: +\n {4}Image: +nginxx\n {4}Image ID: +\n {4}Port: +<none>\n/);
  });

  it("prints the runtime's IDs once the container runs", () => {
    const term = simTerminal(7);
    term("kubectl run web --image=nginx");
    for (let i = 0; i < 10; i++) term("true");
    const { output } = term("kubectl describe pod web");
    expect(output).toMatch(/\n {4}Container ID: +containerd:\/\/[0-9a-f]{64}\n {4}Image: +nginx\n {4}Image ID: +\S+@sha256:[0-9a-f]{64}\n/);
  });
});
