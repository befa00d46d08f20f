// Which image references pull: catalogue repositories with a plausible tag, and the cluster's own
// images. A typo'd tag fails with containerd's "not found", an unknown repository with "pull access denied".
import { describe, expect, it } from "vitest";
import { hasTag, pullError } from "../../../worker/sim/cluster/images.ts";
import { pullErrorMessage } from "../../../worker/sim/cluster/kubelet-events.ts";

describe("image references", () => {
  it.each([
    "nginx", "nginx:latest", "nginx:1.29", "nginx:1.29.3", "nginx:1.29.3-alpine3.22", "nginx:alpine", "nginx:stable-alpine",
    "nginx:mainline-trixie", "redis:7-alpine", "mysql:8.0", "mysql:lts", "postgres:16", "postgres:16.4-bookworm", "busybox:1.36",
    "busybox:musl", "alpine:edge", "ubuntu:24.04", "ubuntu:noble", "traefik/whoami:v1.10", "registry.k8s.io/echoserver:1.10",
    "curlimages/curl:8.5.0", "tomcat:10-jdk17", "docker.io/library/nginx:1.27",
    // Google's samples at their Artifact Registry address, which newer kubernetes.io files use.
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0", "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
  ])("%s pulls", (image) => {
    expect(hasTag(image)).toBe(true);
    expect(pullError(image)).toBeUndefined();
  });

  it.each(["nginx:lastest", "nginx:latests", "nginx:1.27-alpin", "nginx:nosuchtag", "redis:7-alpne", "busybox:1.2.3.4.5"])("%s is not found", (image) => {
    expect(pullError(image)).toBe("no-tag");
    expect(pullErrorMessage(image)).toMatch(/: failed to resolve reference "docker\.io\/library\/[^"]+": docker\.io\/library\/[^ ]+: not found$/);
  });

  it("tells an unknown repository apart from an unknown tag", () => {
    expect(pullError("ngnix")).toBe("no-repository");
    expect(pullErrorMessage("ngnix")).toBe(
      'failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    expect(pullError("registry.k8s.io/kube-proxy:v1.34.1")).toBeUndefined();
    expect(pullError("us-docker.pkg.dev/google-samples/containers/gke/hello-app:3.0")).toBe("no-tag");
    expect(pullError("us-docker.pkg.dev/google-samples/containers/gke/no-such-app:1.0")).toBe("no-repository");
  });
});
