// The storefront: plain static files in dist/ with relative asset paths, so the folder can be
// served from any path of any origin (S3 behind CloudFront, the local cloud, a file server).
// The API's address is not built in: the page reads ./config.json at run time (see src/storefront/config.ts).
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** `npm run dev` only: answer ./config.json from SHOP_API_URL (e.g. a running `make local`'s API). */
function devRuntimeConfig(): Plugin {
  return {
    name: "dev-runtime-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_request, response, next) => {
        const apiUrl = process.env.SHOP_API_URL;
        if (!apiUrl) return next();
        response.setHeader("Content-Type", "application/json");
        response.end(JSON.stringify({ apiUrl, consoleUrl: process.env.SHOP_CONSOLE_URL }));
      });
    },
  };
}

export default defineConfig({
  root: "src/storefront",
  base: "./",
  publicDir: false,
  plugins: [react(), devRuntimeConfig()],
  build: { outDir: "../../dist", emptyOutDir: true },
});
