// Builds the page and starts the real server (`npm start`'s scripts/start.ts: the built Worker on
// workerd through Miniflare) on a free loopback port with its own throwaway storage; stops it afterwards.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { freePort } from "../../../scripts/free-port.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** The same server over https (self-signed): kubectl sends a token only over TLS. */
    httpsUrl: string;
  }
}

const root = fileURLToPath(new URL("../../..", import.meta.url));

async function waitUntilUp(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}):\n${log()}`);
    try {
      const response = await fetch(url + "/healthz");
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer /healthz within 60 s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  execFileSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
    // vitest sets NODE_ENV=test, which would make Vite build Preact's development bundle.
    env: { ...process.env, NODE_ENV: "production" },
  });
  const port = await freePort();
  const httpsPort = await freePort();
  const state = mkdtempSync(join(tmpdir(), "kube-playground-web-"));
  let output = "";
  // detached: the server gets its own process group, so stopping it stops workerd with it.
  const server = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "scripts/start.ts"), "--port", String(port), "--https-port", String(httpsPort), "--persist-to", state],
    {
      cwd: root,
      detached: true,
      // As for the page: vitest's NODE_ENV=test would otherwise reach the Worker's bundle.
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (server.exitCode === null && server.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  try {
    await waitUntilUp(baseUrl, server, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  project.provide("baseUrl", baseUrl);
  project.provide("httpsUrl", `https://127.0.0.1:${httpsPort}`);
  return async () => {
    stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(state, { recursive: true, force: true });
  };
}
