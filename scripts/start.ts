// `npm start`: the built Worker and its page served on workerd through Miniflare (the one wrangler
// ships), without `wrangler dev`. `wrangler dev` puts a proxy Worker in a second workerd process in
// front of ours, so that it can reload on edits; a learner running the playground or a teacher
// hosting it for a class never edits it, and on two cores that proxy cost more CPU per request than
// our Worker (README, "Load test"). `npm run dev` keeps `wrangler dev` for working on the code.
//
// Routes, bindings, vars, Durable Objects with their SQLite backends and the static assets come from
// wrangler.toml as wrangler reads it; the Worker is the bundle `wrangler deploy` would upload.
//
// Usage: tsx scripts/start.ts [--port N] [--https-port N] [--ip ADDR] [--persist-to DIR] [--bundle DIR]
//                             [--assets DIR] [--inspector-port N]
//   --port         default $PORT, else wrangler.toml's [dev] port (8787)
//   --https-port   the same server over https (self-signed, made at start; scripts/https-front.ts),
//                  default $HTTPS_PORT, else the http port + 1 (8788); kubectl writes through it
//   --ip           default wrangler.toml's [dev] ip (127.0.0.1)
//   --persist-to   local Durable Object storage, default .wrangler/state (the layout `wrangler dev
//                  --persist-to` uses, so both commands see the same sessions)
//   --bundle       serve this prebuilt bundle (DIR/index.js) instead of bundling now into dist/worker
//   --assets       the page, default wrangler.toml's [assets] directory (dist/web)
//   --inspector-port  a V8 inspector for the Worker's isolate (profiling)

import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type HttpsFront, startHttpsFront } from "./https-front.ts";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    "https-port": { type: "string" },
    ip: { type: "string" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    bundle: { type: "string" },
    assets: { type: "string" },
    "inspector-port": { type: "string" },
  },
  strict: true,
});

const CONFIG = "wrangler.toml";
const config = unstable_readConfig({ config: CONFIG });
const ip = args.ip ?? config.dev.ip ?? "127.0.0.1";
const port = Number(args.port ?? process.env.PORT ?? config.dev.port ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`start: invalid port ${args.port ?? process.env.PORT}`);
  process.exit(2);
}
const httpsPort = Number(args["https-port"] ?? process.env.HTTPS_PORT ?? port + 1);
if (!Number.isInteger(httpsPort) || httpsPort < 0 || httpsPort > 65535 || httpsPort === port) {
  console.error(`start: invalid https port ${args["https-port"] ?? process.env.HTTPS_PORT ?? port + 1}`);
  process.exit(2);
}
const persistTo = resolve(args["persist-to"]);

/** The Worker as `wrangler deploy` bundles it (same esbuild settings, defines and module rules), without uploading it. */
function bundleWorker(outdir: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--no-warnings", "node_modules/wrangler/wrangler-dist/cli.js", "deploy", "--dry-run", "--outdir", outdir, "--config", CONFIG], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`start: bundling the Worker failed (wrangler exited with ${code})`))));
  });
}

const bundle = resolve(args.bundle ?? "dist/worker");
if (!args.bundle) await bundleWorker(bundle);

const { workerOptions } = unstable_getMiniflareWorkerOptions(CONFIG, undefined, args.assets ? { overrides: { assets: { directory: args.assets } } } : undefined);
const mf = new Miniflare({
  host: ip,
  port,
  inspectorPort: args["inspector-port"] === undefined ? undefined : Number(args["inspector-port"]),
  // No internet is needed: Request.cf gets Miniflare's placeholder instead of a download from Cloudflare.
  cf: false,
  log: new Log(LogLevel.WARN),
  durableObjectsPersist: join(persistTo, "v3", "do"),
  workers: [
    {
      ...workerOptions,
      name: config.name,
      modules: true,
      scriptPath: join(bundle, "index.js"),
      modulesRoot: bundle,
    },
  ],
} as ConstructorParameters<typeof Miniflare>[0]);

// Ctrl+C and SIGTERM stop workerd and exit. wrangler (on import) and Miniflare install handlers of
// their own that exit at once; these replace them, so that the stop waits for Miniflare's dispose
// (workerd stopped, its temporary files removed). Nothing acknowledged is lost by stopping: a command
// is acknowledged only after its SQLite transaction commits.
let stopping = false;
let front: HttpsFront | undefined;
const stop = (signal: NodeJS.Signals) => {
  // A second Ctrl+C while stopping gives up waiting.
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`\nstart: ${signal}, stopping`);
  front?.server.close();
  mf.dispose().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("start: stopping failed:", error);
      process.exit(1);
    },
  );
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.removeAllListeners(signal);
  process.on(signal, stop);
}

const url = await mf.ready;
front = await startHttpsFront({ ip, port: httpsPort, upstreamPort: Number(url.port) });
const address = front.server.address();
const httpsOrigin = `https://${ip}:${typeof address === "object" && address ? address.port : httpsPort}`;
console.log(`Kube Service Playground on ${url.origin}  (storage: ${persistTo}; Ctrl+C stops)`);
console.log(`                       and ${httpsOrigin}  (self-signed certificate: kubeconfigs from here skip verification; kubectl writes need https)`);
