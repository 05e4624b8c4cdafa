// The local cloud's operations console: built apart from the storefront (it is never deployed) and
// served by the local cloud under /_localcloud/console/, next to the control API it reads.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/console",
  base: "./",
  publicDir: false,
  plugins: [react()],
  build: { outDir: "../../dist-console", emptyOutDir: true },
});
