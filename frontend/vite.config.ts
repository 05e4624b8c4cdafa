// The storefront: plain static files in dist/ with relative asset paths, so the folder can be
// served from any path of any origin (S3 behind CloudFront, the local cloud, a file server).
// The API's address is not built in: the page reads ./config.json at run time (see src/storefront/config.ts).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/storefront",
  base: "./",
  publicDir: false,
  plugins: [react()],
  build: { outDir: "../../dist", emptyOutDir: true },
});
