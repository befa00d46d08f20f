// Builds the page (web/) into dist/web, which wrangler serves as static assets.
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: "web",
  plugins: [preact()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    target: "es2022",
    // Every supported browser has modulepreload; the polyfill would only cost bytes.
    modulePreload: { polyfill: false },
  },
  server: {
    host: "127.0.0.1",
    // `vite` during development talks to a `wrangler dev` running beside it.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true } },
  },
});
