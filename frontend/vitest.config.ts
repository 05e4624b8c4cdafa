// Unit tests of the pure modules (API errors, money, the saga graph); the pages are tested in a
// real browser by tests/browser (Playwright, from `make test`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
