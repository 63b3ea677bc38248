// Vite build and dev server. In development the API lives on the Scrapewatch server (port 3000);
// in production the server itself serves dist/ at `/`, so there is one port.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.SCRAPEWATCH_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources: no prior build of protocol needed.
  resolve: { conditions: ["source", "module", "browser", "import", "default"] },
  server: {
    proxy: {
      "/api": { target: api, ws: true, changeOrigin: false },
      "/healthz": { target: api },
    },
  },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 600 },
});
