// GET /api/v1/stats: what this instance is doing now — clients, subscriptions, events per source
// since start, queue depths, memory, uptime.
import { z } from "zod";
import type { App } from "../../app-types.ts";
import type { RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";

const Stats = z.object({
  clients: z.object({ sse: z.number().int(), websocket: z.number().int() }),
  subscriptions: z.record(z.string(), z.number().int()),
  eventsSinceStart: z.object({ total: z.number().int(), bySource: z.record(z.string(), z.number().int()) }),
  queues: z.object({ batching: z.number().int(), writer: z.number().int(), pending: z.number().int() }),
  database: z.object({ healthy: z.boolean(), written: z.number().int(), lastError: z.string().nullable() }),
  droppedSlowConsumers: z.number().int(),
  memory: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number() }),
  uptimeSeconds: z.number(),
});

export const statsSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/stats",
  summary: "Live figures of this instance",
  tag: "operations",
  auth: "read",
  responses: { 200: { description: "Figures now", schema: Stats } },
};

export function registerStats(app: App): void {
  app.get(statsSpec.path, requireRead, (c) => {
    const { pipeline, writer, streamStats, startedAt } = c.get("services");
    const memory = process.memoryUsage();
    const body: z.output<typeof Stats> = {
      clients: streamStats?.clients ?? { sse: 0, websocket: 0 },
      subscriptions: streamStats?.subscriptions ?? {},
      eventsSinceStart: { total: pipeline.accepted, bySource: Object.fromEntries(pipeline.acceptedBySource) },
      queues: { batching: pipeline.batching, writer: writer.pending, pending: pipeline.pending },
      database: { healthy: writer.healthy, written: writer.written, lastError: writer.lastError },
      droppedSlowConsumers: streamStats?.droppedSlowConsumers ?? 0,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal },
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    return c.json(body);
  });
}
