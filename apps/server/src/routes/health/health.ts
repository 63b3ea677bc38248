// GET /healthz: the process is alive and serving.
import type { App } from "../../app-types.ts";

export function registerHealth(app: App): void {
  app.get("/healthz", (c) => c.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
}
