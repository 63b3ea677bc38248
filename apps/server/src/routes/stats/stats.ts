// GET /api/v1/stats: what this instance is doing now — streaming clients, subscriptions,
// events per source since start, queue depths, memory and uptime. Guarded by READ_TOKENS.
import type { App } from "../../app-types.ts";
import { requireToken } from "../../http/auth.ts";

export function registerStats(app: App): void {
  app.get(
    "/api/v1/stats",
    (c, next) => requireToken(c.get("services").tokens.read, "read")(c, next),
    (c) => {
      const { streams, pipeline, writer, startedAt } = c.get("services");
      const stream = streams.stats;
      const memory = process.memoryUsage();
      return c.json({
        clients: {
          sse: stream.clients.sse,
          websocket: stream.clients.websocket,
          total: stream.clients.sse + stream.clients.websocket,
        },
        subscriptionsBySource: streams.fanout.subscriptionsBySource(),
        eventsBySource: Object.fromEntries(pipeline.acceptedBySource),
        eventsAccepted: pipeline.accepted,
        queues: {
          batching: pipeline.batching,
          writerPending: writer.pending,
          pending: pipeline.pending,
          replayBuffer: streams.replayBuffer.size,
        },
        droppedSlowConsumers: stream.droppedSlowConsumers,
        resume: { hits: stream.resumeHits, misses: stream.resumeMisses, resets: stream.resumeResets },
        cursor: streams.newestCursor,
        memory: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
        },
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        startedAt: new Date(startedAt).toISOString(),
      });
    },
  );
}
