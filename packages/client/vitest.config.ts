import { defineConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// Vitest hands the SSR conditions to Node as --conditions. With "import" among them, crawlee's
// CommonJS files require() its ESM wrappers and fail on the cycle; Vite adds import/require by
// itself where it resolves, so the client's tests leave them out.
export default defineConfig({
  ...shared,
  ssr: { resolve: { conditions: ["source", "node", "default"] } },
});
