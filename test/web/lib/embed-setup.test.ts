import { describe, expect, it } from "vitest";
import { embedSetup } from "../../../web/src/lib/embed-setup.ts";

const setupOf = (query: string) => embedSetup(new URLSearchParams(query));

describe("the embed's session request", () => {
  it("asks for a blank default cluster when the URL says nothing", () => {
    expect(setupOf("")).toEqual({ embedId: "blank", body: {} });
  });

  it("passes the cluster profile with a lesson, and remembers a different session per profile", () => {
    const calico = setupOf("lesson=netpol&cni=calico");
    expect(calico.body).toEqual({ lesson: "netpol", cluster: { cni: "calico" } });
    expect(calico.embedId).not.toBe(setupOf("lesson=netpol").embedId);
    expect(setupOf("cni=calico&loadBalancer=none&ingress=nginx").body).toEqual({ cluster: { cni: "calico", loadBalancer: "none", ingress: "nginx" } });
  });

  it("passes setup commands with the profile", () => {
    expect(setupOf("setup=kubectl%20get%20pods&cni=calico").body).toEqual({ setup: ["kubectl get pods"], cluster: { cni: "calico" } });
  });

  it("forks a snapshot as it is: a snapshot keeps its own cluster", () => {
    expect(setupOf("snapshot=AAAA&cni=calico").body).toEqual({ from: "AAAA" });
  });

  it("starts an exam, with the seed the URL gives (the same exam for every visitor) or a random one", () => {
    expect(setupOf("exam=warm-up")).toEqual({ embedId: "exam:warm-up", body: { exam: "warm-up" } });
    const seeded = setupOf("exam=warm-up&seed=42");
    expect(seeded.body).toEqual({ exam: "warm-up", seed: 42 });
    expect(seeded.embedId).not.toBe("exam:warm-up");
    // Not a number: sent on for the server to refuse with its message.
    expect(setupOf("exam=warm-up&seed=abc").body).toEqual({ exam: "warm-up", seed: NaN });
  });
});
