// The access log and request metrics on a small Hono app with real routes, a real ServerMetrics
// and a logger whose lines are captured.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { parseExposition } from "../../test/exposition.ts";
import type { AppEnv } from "../app-types.ts";
import { ApiError } from "../http/api-error.ts";
import { createLogger } from "../logger.ts";
import { DEMO_TRAFFIC_HEADER, DEMO_TRAFFIC_MARK, requestLog, UNMATCHED_ROUTE } from "./request-log.ts";
import { ServerMetrics } from "./server-metrics.ts";

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("debug", {}, (line) => lines.push(JSON.parse(line)));
  const metrics = new ServerMetrics();
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("requestId", "req-1");
    await next();
  });
  app.use("*", requestLog(logger, metrics));
  app.onError((error, c) =>
    error instanceof ApiError ? c.json({ code: error.code }, error.status) : c.text("boom", 500),
  );
  app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
  app.get("/healthz", (c) => c.text("ok"));
  app.post("/ingest", (c) => {
    const code = c.req.query("refuse");
    if (code === "rate_limited" || code === "queue_full" || code === "too_many_clients")
      throw new ApiError(code, "refused");
    c.header("Idempotent-Replayed", c.req.query("replayed") === "1" ? "true" : "false");
    return c.body(null, 202);
  });
  app.get("/fails", () => {
    throw new Error("outer", { cause: new Error("inner") });
  });
  return { app, lines, metrics };
}

async function families(metrics: ServerMetrics) {
  return parseExposition((await metrics.render()).body);
}

describe("requestLog", () => {
  it("labels request durations by route template and status class, never by raw path", async () => {
    const { app, metrics } = appWithLog();
    for (const id of ["a", "b", "c"]) await app.request(`/items/${id}`);
    await app.request("/no/such/path-123");
    const samples = (await families(metrics)).get("http_request_duration_seconds")?.samples ?? [];
    const counts = samples.filter((s) => s.name.endsWith("_count"));
    expect(counts.map((s) => [s.labels.method, s.labels.route, s.labels.status_class, s.value])).toEqual([
      ["GET", "/items/:id", "2xx", 3],
      ["GET", UNMATCHED_ROUTE, "4xx", 1],
    ]);
  });

  it("counts refusals by reason and idempotent replays", async () => {
    const { app, metrics } = appWithLog();
    await app.request("/ingest?refuse=rate_limited", { method: "POST" });
    await app.request("/ingest?refuse=rate_limited", { method: "POST" });
    await app.request("/ingest?refuse=queue_full", { method: "POST" });
    await app.request("/ingest?refuse=too_many_clients", { method: "POST" });
    await app.request("/ingest?replayed=1", { method: "POST" });
    await app.request("/ingest", { method: "POST" });
    const f = await families(metrics);
    const refused = Object.fromEntries(
      (f.get("scrapewatch_refused_requests_total")?.samples ?? []).map((s) => [s.labels.reason, s.value]),
    );
    expect(refused).toEqual({ rate_limit: 2, queue_full: 1, too_many_sources: 0, client_limit: 1 });
    expect(f.get("scrapewatch_idempotent_replays_total")?.samples[0]?.value).toBe(1);
  });

  it("logs the demo's own requests and successful probes at debug, the rest at info or warn", async () => {
    const { app, lines } = appWithLog();
    await app.request("/ingest", { method: "POST", headers: { [DEMO_TRAFFIC_HEADER]: DEMO_TRAFFIC_MARK } });
    await app.request("/ingest", { method: "POST", headers: { [DEMO_TRAFFIC_HEADER]: "guessed" } });
    await app.request("/healthz");
    await app.request("/fails");
    expect(lines.map((line) => [line.level, line.route, line.status])).toEqual([
      ["debug", "/ingest", 202],
      ["info", "/ingest", 202],
      ["debug", "/healthz", 200],
      ["warn", "/fails", 500],
    ]);
    const line = lines[1] ?? {};
    expect(line).toMatchObject({ msg: "request", requestId: "req-1", method: "POST", path: "/ingest" });
    expect(typeof line.durationMs).toBe("number");
  });
});
