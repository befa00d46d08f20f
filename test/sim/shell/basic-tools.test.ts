// printenv in the images that ship it (coreutils on Debian-based images, busybox's applet).

import { describe, expect, it } from "vitest";
import { cluster, inPod, run, withPod } from "../net/fixtures.ts";

describe("printenv", () => {
  const state = withPod(withPod(cluster(), { name: "nginx-pod", ip: "10.244.1.40" }), { name: "bb", ip: "10.244.1.41", image: "busybox", command: ["sleep", "3600"] });

  it.each(["nginx-pod", "bb"])("in %s prints the environment, as env does", (pod) => {
    const all = run(state, inPod(pod), "printenv");
    expect(all.code).toBe(0);
    expect(all.out).toBe(run(state, inPod(pod), "env").out);
    expect(all.out).toMatch(new RegExp(`^HOSTNAME=${pod}$`, "m"));
  });

  it("prints each named variable's value, and exits 1 when one is unset", () => {
    const one = run(state, inPod("nginx-pod"), "printenv HOSTNAME HOME");
    expect([one.out, one.code]).toEqual(["nginx-pod\n/root\n", 0]);
    const missing = run(state, inPod("nginx-pod"), "printenv NOPE HOSTNAME");
    expect([missing.out, missing.err, missing.code]).toEqual(["nginx-pod\n", "", 1]);
  });
});
