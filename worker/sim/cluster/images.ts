// The images the simulated registry knows: what process each one runs, the ports it listens on,
// and which tools its filesystem ships. An image that is not here fails to pull, as on a real
// cluster with an unknown name.

export type ServerKind =
  | "nginx"
  | "httpd"
  | "tomcat"
  | "whoami"
  | "http-echo"
  | "echoserver"
  | "redis"
  | "mysql"
  | "mariadb"
  | "postgres"
  | "serve-hostname"
  | "agnhost"
  | "kubernetes-bootcamp"
  | "node-hello"
  | "hello-app"
  | "hello-go"
  | "hello-frontend"
  | "echo-server"
  | "ingress-nginx"
  | "nginx-gateway-fabric"
  | "ngf-nginx"
  | "metallb-controller"
  | "metallb-speaker"
  | "goproxy";

export type Tool = "sh" | "bash" | "ps" | "curl" | "wget" | "nc" | "nslookup" | "ping" | "ip" | "ifconfig" | "cat" | "env" | "printenv" | "hostname" | "seq" | "sleep" | "grep" | "head" | "tail" | "wc" | "base64" | "ls" | "cp" | "mv" | "rm" | "mkdir" | "touch" | "tee" | "sed" | "diff" | "vi" | "redis-cli" | "psql" | "mysql" | "mariadb" | "dig" | "host" | "telnet";

export interface ImageInfo {
  /** Repository as written in a pod spec, without tag (docker.io/library/ prefix removed). */
  repository: string;
  /** Tag used when none is given. */
  defaultTag: string;
  /** The process the image runs by default; none means it exits at once (busybox, alpine). */
  server?: { kind: ServerKind; ports: Array<{ port: number; protocol: "TCP" | "UDP" }> };
  /** Commands present in the image's filesystem. */
  tools: Tool[];
  /** Default shell for `kubectl exec -it ... -- sh`. */
  shell?: "sh" | "bash";
  /** Its tools are busybox's applets (they word their output and errors their own way). */
  busybox?: true;
  /**
   * Of those tools, the ones a package installed over busybox's applets (Alpine's bind-tools in
   * agnhost): they print as the package's program does, not as the applet.
   */
  packaged?: Tool[];
  /**
   * The only tags the registry has, when they are few and known (the tutorials' images): any
   * other tag fails to pull, as `kubernetes-bootcamp:v10` does in the rolling-update tutorial.
   */
  tags?: string[];
  /** The digest kubectl describe shows as Image ID. */
  digest: string;
  /** Compressed size of the linux/amd64 image, what the kubelet's Pulled event reports. */
  size: number;
  /**
   * A program image that runs one task and exits, with its own behaviour (cluster/webhook-certgen.ts)
   * instead of a shell's: its args are its subcommand and flags.
   */
  task?: "kube-webhook-certgen" | "nginx-gateway-fabric";
}

// Every image with a shell has these (coreutils and grep on Debian/Ubuntu, applets in busybox).
const basics: Tool[] = ["sh", "cat", "env", "printenv", "hostname", "seq", "sleep", "grep", "head", "tail", "wc", "base64", "ls", "cp", "mv", "rm", "mkdir", "touch", "tee", "sed", "diff"];

const catalogue: ImageInfo[] = [
  { repository: "nginx", defaultTag: "latest", server: { kind: "nginx", ports: [{ port: 80, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", size: 72223946 },
  { repository: "httpd", defaultTag: "latest", server: { kind: "httpd", ports: [{ port: 80, protocol: "TCP" }] }, tools: [...basics, "bash"], shell: "bash", digest: "sha256:f4c5c2c6d8d1f8c5b0f16a6f8e2fd8f7c3f0f1d1e8b7c2a4e7f6a2a9d3c5e1b7", size: 45192442 },
  { repository: "tomcat", defaultTag: "latest", server: { kind: "tomcat", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:3e2b4c0f9a7d1e6c8b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c", size: 176573842 },
  { repository: "traefik/whoami", defaultTag: "latest", server: { kind: "whoami", ports: [{ port: 80, protocol: "TCP" }] }, tools: [], digest: "sha256:43a68d10b9dfcfc3ffbfe4dd42100dc9aeaf29b3a5636c856337a5940f1b4f1c", size: 3195934 },
  { repository: "hashicorp/http-echo", defaultTag: "latest", server: { kind: "http-echo", ports: [{ port: 5678, protocol: "TCP" }] }, tools: [], digest: "sha256:fcb75f691c8b0414d670ae570240cbf95502cc18a9ba57e982ecac589760a186", size: 2889436 },
  { repository: "registry.k8s.io/echoserver", defaultTag: "1.10", server: { kind: "echoserver", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:cb5c1bddd1b5665e1867a7fa1b5fa843a47ee433bbb75d4293888b71def53229", size: 46237695 },
  { repository: "redis", defaultTag: "latest", server: { kind: "redis", ports: [{ port: 6379, protocol: "TCP" }] }, tools: [...basics, "bash", "redis-cli"], shell: "bash", digest: "sha256:1b7c17f650602d97a10724d796f45f0b5250d47ee5ba02f28de89f8a1531f3ce", size: 52524384 },
  { repository: "mysql", defaultTag: "latest", server: { kind: "mysql", ports: [{ port: 3306, protocol: "TCP" }, { port: 33060, protocol: "TCP" }] }, tools: [...basics, "bash", "mysql"], shell: "bash", digest: "sha256:2be51594eba5983f47e67ff5cb87d666a223e309c6c64450f30b5c59a788ea40", size: 233637152 },
  // mariadb 11.8's image (Ubuntu 24.04): /usr/bin/mysql is a link to the mariadb client. The digest is a
  // published mariadb:11.8 index; the size is the kubelet's figure for a mariadb 12.2 pull.
  { repository: "mariadb", defaultTag: "latest", server: { kind: "mariadb", ports: [{ port: 3306, protocol: "TCP" }] }, tools: [...basics, "bash", "mariadb", "mysql"], shell: "bash", digest: "sha256:efb4959ef2c835cd735dbc388eb9ad6aab0c78dd64febcd51bc17481111890c4", size: 106765907 },
  { repository: "postgres", defaultTag: "latest", server: { kind: "postgres", ports: [{ port: 5432, protocol: "TCP" }] }, tools: [...basics, "bash", "psql"], shell: "bash", digest: "sha256:4ec37d2a07a0067f176fdcc9d4bb633a5724d2cc4f892c7a2046d054bb6939e5", size: 158496553 },
  { repository: "busybox", defaultTag: "latest", busybox: true, tools: [...basics, "ps", "vi", "wget", "nc", "telnet", "nslookup", "ping", "ip", "ifconfig"], shell: "sh", digest: "sha256:d82f458899c9696cb26a7c02d5568f81c8c8223f8661bb2a7988b269c8b9051e", size: 2156518 },
  { repository: "alpine", defaultTag: "latest", busybox: true, tools: [...basics, "ps", "vi", "wget", "nslookup", "ping", "ip", "ifconfig"], shell: "sh", digest: "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1", size: 3642049 },
  { repository: "curlimages/curl", defaultTag: "latest", busybox: true, tools: [...basics, "ps", "vi", "curl", "wget", "nslookup", "ping", "ip", "ifconfig"], shell: "sh", digest: "sha256:9a1ed35addb45476afa911696297f8e115993df459278ed036182dd2cd22b67b", size: 10125497 },
  // The docs' and courses' sample apps (their ports are the ones their sources listen on).
  { repository: "registry.k8s.io/serve_hostname", defaultTag: "latest", server: { kind: "serve-hostname", ports: [{ port: 9376, protocol: "TCP" }] }, tools: [], digest: "sha256:bab70473a6d8ef65a22625dc9a1b0f0452e811530fdbe77e4408523460177ff1", size: 2354214 },
  // agnhost's ports depend on its subcommand (serverPorts below); netexec is what most pages run.
  // Alpine with busybox, plus bind-tools (dig, host and bind's nslookup), curl and bash
  // (test/images/agnhost/Dockerfile); no subcommand runs its CMD, `pause`.
  { repository: "registry.k8s.io/e2e-test-images/agnhost", defaultTag: "2.53", server: { kind: "agnhost", ports: [{ port: 8080, protocol: "TCP" }, { port: 8081, protocol: "UDP" }] }, tools: [...basics, "ps", "vi", "bash", "curl", "ping", "dig", "host", "nslookup"], shell: "sh", busybox: true, packaged: ["bash", "curl", "dig", "host", "nslookup"], digest: "sha256:99c6b4bb4a1e1df3f0b3752168c89358794d02258ebebc26bf21c29399011a85", size: 51312376 },
  { repository: "gcr.io/google-samples/kubernetes-bootcamp", defaultTag: "v1", tags: ["v1"], server: { kind: "kubernetes-bootcamp", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af", size: 77624813 },
  // The rolling-update tutorial's second version.
  { repository: "jocatalin/kubernetes-bootcamp", defaultTag: "v2", tags: ["v1", "v2"], server: { kind: "kubernetes-bootcamp", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:fb1a3ced00cecfc1f83f18ab5cd14199e30adc1b49aa4244f5d65ad3f5feb2a5", size: 77624909 },
  { repository: "gcr.io/google-samples/node-hello", defaultTag: "1.0", tags: ["1.0"], server: { kind: "node-hello", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:d238d0ab54efb76ec0f7b1da666cefa9b40be59ef34346a761b8adc2dd45459b", size: 254362310 },
  { repository: "gcr.io/google-samples/hello-app", defaultTag: "1.0", tags: ["1.0", "2.0"], server: { kind: "hello-app", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [], digest: "sha256:845f77fab71033404f4cfceaa1ddb27b70c3551ceb22a5e7f4498cdda6c9daea", size: 4305340 },
  // connecting-frontend-backend's pair. hello-go-gke:1.0 is kelseyhightower/app's hello service (HTTP on
  // 80, health on 81); hello-frontend:1.0 is nginx with a conf.d file proxying every path to the `hello`
  // Service (the page prints it). Their digests and sizes are not in the sources: stand-ins of the right form.
  { repository: "gcr.io/google-samples/hello-go-gke", defaultTag: "1.0", tags: ["1.0"], server: { kind: "hello-go", ports: [{ port: 80, protocol: "TCP" }, { port: 81, protocol: "TCP" }] }, tools: [], digest: "sha256:2b0feb9da5a63a7c2d4c5e7e1e7f8e8c0c6e3c1a7f35b0b8d4f7e3a2c1b9d6e4", size: 2871542 },
  { repository: "gcr.io/google-samples/hello-frontend", defaultTag: "1.0", tags: ["1.0"], server: { kind: "hello-frontend", ports: [{ port: 80, protocol: "TCP" }] }, tools: [...basics, "bash"], shell: "bash", digest: "sha256:7f3c1e5d9b2a4c6e8f0a1b3d5c7e9f2a4b6d8c0e1f3a5b7d9c2e4f6a8b0d1c3e", size: 69452212 },
  // kubernetes/examples staging/https-nginx: FROM nginx with index2.html and a script that reloads nginx when
  // its files change; the tutorial mounts the config (listen 80 and 443 ssl) and the certificate. Digest and
  // size are stand-ins.
  { repository: "bprashanth/nginxhttps", defaultTag: "1.0", tags: ["1.0"], server: { kind: "nginx", ports: [{ port: 80, protocol: "TCP" }] }, tools: [...basics, "bash", "curl"], shell: "bash", digest: "sha256:82028f2a1e4d3fbb7bd16b5a2a1d0e6a2e7bc7c3a1a0f69a4e5d3f1c2b0e9d8a", size: 44821316 },
  // The probes task's images: busybox under registry.k8s.io (exec-liveness.yaml pins 1.27.2) and
  // goproxy 0.1 (tcp-liveness-readiness.yaml: elazarl/goproxy's example proxy on 8080). Digests
  // and sizes are not in the sources: stand-ins of the right form.
  { repository: "registry.k8s.io/busybox", defaultTag: "latest", tags: ["latest", "1.27.2", "1.27", "1.24"], busybox: true, tools: [...basics, "ps", "vi", "wget", "nc", "telnet", "nslookup", "ping", "ip", "ifconfig"], shell: "sh", digest: "sha256:545e6a6310a27636260920bc07b994a299b6708a1b26910cfefd335fdfb60d2b", size: 735291 },
  { repository: "registry.k8s.io/goproxy", defaultTag: "0.1", tags: ["0.1"], server: { kind: "goproxy", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [], digest: "sha256:5334c7ad43048e3538775cb09aaf184f5e8acf4b0ea60e3bc8f1d93c209865a5", size: 2555364 },
  // The old docs' busybox under Google's registry (the debug-service page runs it): a busybox build.
  { repository: "gcr.io/google-containers/busybox", defaultTag: "latest", busybox: true, tools: [...basics, "ps", "vi", "wget", "nc", "telnet", "nslookup", "ping", "ip", "ifconfig"], shell: "sh", digest: "sha256:d8d3bc2c183ed2f9f10e7258f84971202325ee6011ba137112e01e30f206de67", size: 676105 },
  { repository: "kicbase/echo-server", defaultTag: "latest", tags: ["1.0", "latest"], server: { kind: "echo-server", ports: [{ port: 8080, protocol: "TCP" }] }, tools: [], digest: "sha256:127ac38a2bb9537b7f252addff209ea6801edcac8a92c8b1104dacd66a583ed6", size: 2167658 },
  // ingress-nginx's deploy.yaml pins both by digest (controller-v1.15.1 and v1.14.5, certgen v1.6.9); the
  // controller runs /nginx-ingress-controller on Alpine 3.23 (images/nginx/rootfs/Dockerfile), with bash
  // and curl. 10254 is its health and metrics port (the probes' /healthz). The compressed sizes are not
  // in the sources: plausible figures for a ~100 MB Alpine+OpenResty image and a static Go binary.
  { repository: "registry.k8s.io/ingress-nginx/controller", defaultTag: "v1.15.1", tags: ["v1.15.1", "v1.14.5"], server: { kind: "ingress-nginx", ports: [{ port: 80, protocol: "TCP" }, { port: 443, protocol: "TCP" }, { port: 8443, protocol: "TCP" }, { port: 10254, protocol: "TCP" }] }, tools: [...basics, "ps", "bash", "curl"], shell: "bash", busybox: true, digest: "sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1", size: 104873621 },
  { repository: "registry.k8s.io/ingress-nginx/kube-webhook-certgen", defaultTag: "v1.6.9", tags: ["v1.6.9"], task: "kube-webhook-certgen", tools: [], digest: "sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd", size: 28941520 },
  // NGINX Gateway Fabric 2.6.7 (deploy/default/deploy.yaml, not pinned by digest): one Go binary for the
  // control plane (`controller`: agent gRPC 8443, metrics 9113, health 8081) and for the cert Job
  // (`generate-certs`, which runs and exits); a distroless image without a shell. The data plane is
  // its nginx image (build/Dockerfile.nginx: nginx on Alpine with the NGINX Agent), which listens on
  // the Gateway's listener ports its provisioner declares, plus the readiness port 8081. The
  // digests and sizes are not in the sources: stand-ins of the right form.
  { repository: "ghcr.io/nginx/nginx-gateway-fabric", defaultTag: "2.6.7", tags: ["2.6.7"], server: { kind: "nginx-gateway-fabric", ports: [{ port: 8443, protocol: "TCP" }, { port: 9113, protocol: "TCP" }, { port: 8081, protocol: "TCP" }] }, task: "nginx-gateway-fabric", tools: [], digest: "sha256:6a1d3c8f0e2b5d7a9c4e6f8b1d3a5c7e9f2b4d6a8c1e3f5b7d9a2c4e6f8b1d3a", size: 31876544 },
  { repository: "ghcr.io/nginx/nginx-gateway-fabric/nginx", defaultTag: "2.6.7", tags: ["2.6.7"], server: { kind: "ngf-nginx", ports: [{ port: 8081, protocol: "TCP" }] }, tools: [...basics, "ps"], shell: "sh", busybox: true, digest: "sha256:3f8b2d6a9c1e4f7b0d3a6c9e2f5b8d1a4c7e0f3b6d9a2c5e8f1b4d7a0c3e6f9b", size: 58203117 },
  // MetalLB's two Go binaries on distroless (no shell): the controller (metrics 7472, the webhook
  // server 9443) and the speaker (metrics 7472, memberlist 7946 TCP and UDP, on the node's network).
  // They are the cluster's own images too (systemRepositories below: already on every node), so
  // their Image ID is the one the kubelet reports for those; no size is ever shown.
  { repository: "quay.io/metallb/controller", defaultTag: "v0.15.3", server: { kind: "metallb-controller", ports: [{ port: 7472, protocol: "TCP" }, { port: 9443, protocol: "TCP" }] }, tools: [], digest: `sha256:${"0".repeat(64)}`, size: 0 },
  { repository: "quay.io/metallb/speaker", defaultTag: "v0.15.3", server: { kind: "metallb-speaker", ports: [{ port: 7472, protocol: "TCP" }, { port: 7946, protocol: "TCP" }, { port: 7946, protocol: "UDP" }] }, tools: [], digest: `sha256:${"0".repeat(64)}`, size: 0 },
  // DNS debugging images: bind's dig and nslookup (which, unlike busybox's, apply the search path of
  // /etc/resolv.conf), nc and curl. jessie-dnsutils is the e2e image (Debian with dnsutils) the
  // kubernetes.io DNS pages run; netshoot is Alpine with bash and the network tools (its Dockerfile's
  // apk list: bind-tools for dig, host and nslookup; busybox-extras for busybox's telnet). Digests
  // and sizes are not in the sources: stand-ins of the right form.
  { repository: "registry.k8s.io/e2e-test-images/jessie-dnsutils", defaultTag: "1.3", tools: [...basics, "bash", "dig", "host", "nslookup", "nc", "curl", "ping", "ip"], shell: "sh", digest: "sha256:24aaf2626d6b27864c29de2097e8bbb840b3a414271bf7c8995e431e47d8408e", size: 111834623 },
  { repository: "nicolaka/netshoot", defaultTag: "latest", tools: [...basics, "bash", "dig", "host", "nslookup", "nc", "telnet", "curl", "wget", "ping", "ip", "ifconfig"], shell: "bash", digest: "sha256:a20c2531bf35985c4e0e4d2e5e9b3e1c7f0a1b2c3d4e5f60718293a4b5c6d7e8", size: 210876514 },
  { repository: "ubuntu", defaultTag: "latest", tools: [...basics, "bash"], shell: "bash", digest: "sha256:66460d557b25769b102175144d538d88219c077c678a49af4afca6fbfc1b5252", size: 29724697 },
];

const byRepository = new Map(catalogue.map((image) => [image.repository, image]));

export interface ImageRef {
  repository: string;
  tag: string;
}

/** Splits `docker.io/library/nginx:1.27` into repository `nginx` and tag `1.27`. */
// Parsed references, shared (callers only read them): the kubelet looks up every pod's image
// for its events and statuses, and a cluster runs few distinct images.
const parsedImages = new Map<string, ImageRef>();

export function parseImage(image: string): ImageRef {
  let ref = parsedImages.get(image);
  if (ref === undefined) {
    ref = Object.freeze(parse(image));
    if (parsedImages.size > 1024) parsedImages.clear();
    parsedImages.set(image, ref);
  }
  return ref;
}

function parse(image: string): ImageRef {
  let rest = image;
  let tag = "";
  const at = rest.indexOf("@");
  if (at >= 0) rest = rest.slice(0, at);
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  rest = rest.replace(/^docker\.io\//, "").replace(/^library\//, "");
  return { repository: rest, tag };
}

/**
 * k8s.gcr.io is the old name of registry.k8s.io (frozen since April 2023, its images mirrored):
 * pages written before then pull the same images by it. Google's sample images moved the other way,
 * from Container Registry to Artifact Registry (us-docker.pkg.dev/google-samples/containers/gke/),
 * which newer pages pull (kubernetes.io's service/access/hello-application.yaml): the same images.
 */
export function canonicalRepository(repository: string): string {
  if (repository.startsWith("k8s.gcr.io/")) return `registry.k8s.io/${repository.slice("k8s.gcr.io/".length)}`;
  const artifactRegistry = "us-docker.pkg.dev/google-samples/containers/gke/";
  if (repository.startsWith(artifactRegistry)) return `gcr.io/google-samples/${repository.slice(artifactRegistry.length)}`;
  return repository;
}

/** The catalogue entry for an image reference, or undefined when the registry has no such image. */
export function findImage(image: string): ImageInfo | undefined {
  return byRepository.get(canonicalRepository(parseImage(image).repository));
}

/** The tag a reference pulls: its own, or `latest` when it names none. */
export function imageTag(image: string): string {
  return parseImage(image).tag || "latest";
}

export function allImages(): readonly ImageInfo[] {
  return catalogue;
}

/**
 * Images of the cluster's own components (kubeadm control plane, kube-proxy, CoreDNS, flannel or Calico, MetalLB,
 * the local-path provisioner).
 * They are not in the catalogue above (no lesson runs them), but the node already has them, so a
 * recreated CoreDNS pod starts like the original did.
 */
const systemRepositories = new Set([
  "registry.k8s.io/etcd",
  "registry.k8s.io/kube-apiserver",
  "registry.k8s.io/kube-controller-manager",
  "registry.k8s.io/kube-scheduler",
  "registry.k8s.io/kube-proxy",
  "registry.k8s.io/coredns/coredns",
  "ghcr.io/flannel-io/flannel",
  "quay.io/calico/node",
  "quay.io/calico/kube-controllers",
  "quay.io/metallb/controller",
  "quay.io/metallb/speaker",
  "rancher/local-path-provisioner",
]);

export function isSystemImage(image: string): boolean {
  return systemRepositories.has(canonicalRepository(parseImage(image).repository));
}

/**
 * Tags a catalogue image plausibly has: versions (`1.29`, `1.29.3-alpine3.22`, `7-alpine`,
 * `v1.10`) and the named variants the official images publish. The registry's real tag lists are
 * not here, so a version that never existed still pulls; a typo such as `lastest` or
 * `1.27-alpin`, the classic ErrImagePull of a debugging exercise, does not.
 */
const VERSION_TAG = /^v?\d+(\.\d+){0,3}([-_.](alpine|slim|bookworm|bullseye|bookworm-slim|trixie|noble|jammy|focal|perl|otel|musl|glibc|uclibc|jdk\d+|jre\d+|temurin|openjdk)[a-z0-9.-]*)*$/;
const NAMED_TAG = /^(latest|stable|mainline|edge|lts|alpine|slim|bookworm|bullseye|trixie|noble|jammy|focal|perl|otel|musl|glibc|uclibc|jdk\d+|jre\d+)([-.](alpine|slim|perl|otel|trixie|bookworm|noble|jammy)[a-z0-9.]*)*$/;

export function hasTag(image: string): boolean {
  if (image.includes("@")) return true;
  const { tag } = parseImage(image);
  const known = findImage(image)?.tags;
  if (known) return known.includes(tag || "latest");
  return tag === "" || VERSION_TAG.test(tag) || NAMED_TAG.test(tag);
}

/** Why a pull fails: no such repository, or a repository without that tag (containerd's words). */
export function pullError(image: string): "no-repository" | "no-tag" | undefined {
  if (isSystemImage(image)) return undefined;
  if (!findImage(image)) return "no-repository";
  return hasTag(image) ? undefined : "no-tag";
}

// One string per image name, not one per pod that runs it.
const normalized = new Map<string, string>();

/** The image reference as the container runtime reports it: `docker.io/library/nginx:latest`. */
export function normalizedImage(image: string): string {
  let out = normalized.get(image);
  if (out === undefined) {
    out = normalize(image);
    if (normalized.size > 1024) normalized.clear();
    normalized.set(image, out);
  }
  return out;
}

function normalize(image: string): string {
  const { repository, tag } = parseImage(image);
  const first = repository.split("/")[0];
  const hasRegistry = repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const full = hasRegistry ? repository : repository.includes("/") ? `docker.io/${repository}` : `docker.io/library/${repository}`;
  return [full, tag || "latest"].join(":");
}
