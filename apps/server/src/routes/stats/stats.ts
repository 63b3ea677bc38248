// GET /api/v1/stats: what this instance is doing now — streaming clients, subscriptions,
// events per source since start, queue depths, resumes, memory and uptime. Guarded by READ_TOKENS.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { EventLoopMonitor } from "../../observability/event-loop.ts";

const Count = z.number().int();

const Stats = z
  .object({
    clients: z.object({ sse: Count, websocket: Count, total: Count }),
    /** Subscribed clients per source; "*" counts clients of every source. */
    subscriptionsBySource: z.record(z.string(), Count),
    eventsBySource: z.record(z.string(), Count),
    eventsAccepted: Count,
    queues: z.object({ batching: Count, writerPending: Count, pending: Count, replayBuffer: Count }),
    database: z.object({ healthy: z.boolean(), written: Count, lastError: z.string().nullable() }),
    droppedSlowConsumers: Count,
    resume: z.object({
      hits: Count,
      misses: Count,
      resets: Count,
      /** Since start, resumes that had something to replay: subscription → first replayed batch
       * written, and → replay done (ms); resumes with nothing missed are only counted. */
      timings: z.object({
        replayed: Count,
        nothingMissed: Count,
        firstBatchMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
        doneMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
      }),
    }),
    cursor: z.string().nullable(),
    memory: z.object({ rss: Count, heapUsed: Count, heapTotal: Count, external: Count, arrayBuffers: Count }),
    /** Event-loop delay since the previous /stats reading (zeros on the first). */
    eventLoop: z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
    uptimeSeconds: Count,
    startedAt: z.string(),
  })
  .meta({ id: "Stats" });

export const statsRoute = createRoute({
  method: "get",
  path: "/api/v1/stats",
  operationId: "getStats",
  summary: "Live figures of this instance",
  tags: ["operations"],
  ...guarded("read"),
  responses: { 200: json(Stats, "Figures now"), ...errors(401, 403) },
});

/**
 * The database error as /stats shows it: its first line, without credentials, at most 200
 * characters. The full text (host names, SQL) stays in the server's log.
 */
export function publicDatabaseError(error: string | null): string | null {
  if (error === null) return null;
  const firstLine = error.split(/\r?\n/, 1)[0] ?? "";
  const withoutCredentials = firstLine.replace(/\/\/[^/@\s]*@/g, "//");
  return withoutCredentials.length > 200 ? `${withoutCredentials.slice(0, 199)}…` : withoutCredentials;
}

export function registerStats(app: App): void {
  const eventLoop = new EventLoopMonitor();
  app.openapi(statsRoute, (c) => {
    const { streams, pipeline, writer, startedAt } = c.get("services");
    const stream = streams.stats;
    const memory = process.memoryUsage();
    const body: z.output<typeof Stats> = {
      clients: { ...stream.clients, total: stream.clients.sse + stream.clients.websocket },
      subscriptionsBySource: streams.fanout.subscriptionsBySource(),
      eventsBySource: Object.fromEntries(pipeline.acceptedBySource),
      eventsAccepted: pipeline.accepted,
      queues: {
        batching: pipeline.batching,
        writerPending: writer.pending,
        pending: pipeline.pending,
        replayBuffer: streams.replayBuffer.size,
      },
      database: {
        healthy: writer.healthy,
        written: writer.written,
        lastError: publicDatabaseError(writer.lastError),
      },
      droppedSlowConsumers: stream.droppedSlowConsumers,
      resume: {
        hits: stream.resumeHits,
        misses: stream.resumeMisses,
        resets: stream.resumeResets,
        timings: stream.resumeTimings,
      },
      cursor: streams.newestCursor,
      memory: {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
      },
      eventLoop: eventLoop.read(),
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      startedAt: new Date(startedAt).toISOString(),
    };
    return c.json(body, 200);
  });
}
