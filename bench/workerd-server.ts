// The built Worker on one workerd, without `wrangler dev` in front. `wrangler dev` puts a proxy
// Worker in a second workerd process before ours (it is what lets it reload on edits), and on
// this machine that proxy costs more CPU per request than our Worker does. The HTTP bench runs
// against both, so its figures separate our server's cost from the dev tool's.
//
// Usage (from bench/http-bench.ts): tsx bench/workerd-server.ts PORT STORAGE_DIR BUNDLE_DIR ASSETS_DIR
// Bindings, Durable Objects and their SQLite backends come from wrangler.toml, as wrangler reads it.

import { join } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [port, storage, bundle, assets] = process.argv.slice(2);
if (!port || !storage || !bundle || !assets) {
  console.error("usage: tsx bench/workerd-server.ts PORT STORAGE_DIR BUNDLE_DIR ASSETS_DIR");
  process.exit(2);
}

const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml", undefined, { overrides: { assets: { directory: assets } } });
const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(port),
  // The same layout `wrangler dev --persist-to DIR` uses, so both servers can share a storage dir.
  durableObjectsPersist: join(storage, "v3", "do"),
  workers: [
    {
      ...workerOptions,
      name: "kube-service-playground",
      modules: true,
      scriptPath: join(bundle, "index.js"),
      modulesRoot: bundle,
    },
  ],
} as ConstructorParameters<typeof Miniflare>[0]);
await mf.ready;

const stop = () => void mf.dispose().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
