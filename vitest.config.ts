import { defineConfig } from "vitest/config";

// Test projects: the simulation in Node; the Worker and Durable Object inside workerd
// (test/worker, added with the sessions work); the page in Chromium (test/web).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "sim",
          include: ["test/sim/**/*.test.ts"],
          environment: "node",
        },
      },
    ],
  },
});
