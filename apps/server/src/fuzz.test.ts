// Property-based fuzzing (fast-check) of everything a client controls: ingest bodies (arbitrary
// JSON and near-valid events), the query strings of the read routes, and WebSocket frames.
// Never a 5xx, never a crash, the server's heap roughly flat, and no connection left behind.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestServer, type TestServer } from "../test/test-server.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SOURCES = ["fuzz-a", "fuzz-b", "fuzz.c_d-1"];

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

let server: TestServer;
let heapBefore = 0;
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_PENDING: "1000000" } });
  heapBefore = heapMiB();
});
afterAll(async () => {
  await server.stop();
});

/** Values a field might plausibly (or implausibly) hold. */
const fieldValue = fc.oneof(
  fc.integer({ min: -1, max: 100_000_000 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 60 }),
  fc.constant(null),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.webUrl(),
  fc.string({ minLength: 2049, maxLength: 2100 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const nearValidEvent = fc.record(
  {
    type: fc.oneof(fc.constantFrom("navigation", "scrape", "scheduler"), fc.string({ maxLength: 12 })),
    source: fc.oneof(fc.constantFrom(...SOURCES), fc.string({ maxLength: 120 })),
    url: fc.oneof(fc.webUrl(), fieldValue),
    durationMs: fc.oneof(fc.integer({ min: 0, max: 86_399_999 }), fieldValue),
    retryCount: fieldValue,
    itemsExtracted: fieldValue,
    itemsProcessed: fieldValue,
    dataSize: fieldValue,
    success: fc.oneof(fc.boolean(), fieldValue),
    error: fc.oneof(fc.string({ maxLength: 5000 }), fieldValue),
    timestamp: fieldValue,
    extra: fieldValue,
  },
  { requiredKeys: ["type", "source"] },
);

const ingestBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.array(nearValidEvent, { minLength: 0, maxLength: 8 }).map((events) => JSON.stringify(events)),
  fc.array(nearValidEvent, { maxLength: 8 }).map((metrics) => JSON.stringify({ metrics })),
  fc.string({ maxLength: 200 }),
);

describe("fuzzing", () => {
  it("ingest: every generated body gets 202 or a 4xx, and a 202 accepts every event of it", async () => {
    await fc.assert(
      fc.asyncProperty(ingestBody, async (body) => {
        const response = await server.ingest(body);
        const answer = (await response.json()) as { accepted?: number };
        expect([202, 400, 413]).toContain(response.status);
        if (response.status === 202) {
          const parsed = JSON.parse(body) as unknown[] | { metrics: unknown[] };
          expect(answer.accepted).toBe(Array.isArray(parsed) ? parsed.length : parsed.metrics.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("read routes: every generated query string gets 200 or a 4xx", async () => {
    const routes = [
      "/api/v1/metrics",
      "/api/v1/sources",
      "/api/v1/summaries/daily",
      "/api/v1/anomalies",
      "/api/v1/metrics/export",
      "/api/v1/stream",
    ];
    const name = fc.oneof(
      fc.constantFrom(
        "source",
        "sources",
        "type",
        "from",
        "to",
        "after",
        "limit",
        "format",
        "lastEventId",
        "date",
      ),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(...SOURCES, "navigation", "csv", "ndjson", "0-0", "0-0-0", "99999999999999-1-2", "-1"),
      fc.integer().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string({ unit: "binary", maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(fc.tuple(name, value), { maxLength: 6 }),
        fc.string({ maxLength: 30 }),
        async (route, params, raw) => {
          const query = new URLSearchParams(params).toString();
          for (const search of [query, encodeURI(raw)]) {
            const controller = new AbortController();
            const response = await fetch(`${server.url}${route}?${search}`, { signal: controller.signal });
            expect(response.status, `${route}?${search}`).toBeLessThan(500);
            // Streams and exports are cut once their status is known.
            controller.abort();
          }
        },
      ),
      { numRuns: RUNS },
    );
    await eventually(
      () => server.services.streams.stats.clients.sse,
      (n) => n === 0,
    );
  });

  it("WebSocket: generated frames get answers or a policy close, never an internal error", async () => {
    const ws = server.url.replace("http", "ws");
    const message = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("subscribe", "unsubscribe", "ping", "status"),
          fc.string({ maxLength: 10 }),
        ),
        sources: fc.oneof(
          fc.array(fc.oneof(fc.constantFrom(...SOURCES), fc.string({ maxLength: 60 })), { maxLength: 60 }),
          fieldValue,
        ),
        lastEventId: fc.oneof(fc.constantFrom("0-0", "1-1-1", "abc"), fieldValue),
      },
      { requiredKeys: ["type"] },
    );
    const frame = fc.oneof(
      message.map((m) => JSON.stringify(m)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 100 }),
      fc.string({ minLength: 16_000, maxLength: 17_000 }),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        const socket = new WebSocket(`${ws}/api/v1/ws`);
        const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
        socket.on("error", () => {});
        await new Promise<void>((resolve, reject) => {
          socket.once("open", () => resolve());
          socket.once("error", reject);
        });
        for (const data of frames) socket.send(data);
        // A ping last: its pong proves every earlier frame was handled (or the socket is closed).
        socket.send(JSON.stringify({ type: "ping" }));
        const answered = new Promise<void>((resolve) =>
          socket.on("message", (data) => {
            if ((JSON.parse(String(data)) as { type: string }).type === "pong") resolve();
          }),
        );
        const outcome = await Promise.race([answered.then(() => null), closed]);
        if (outcome !== null) expect([1008, 1009]).toContain(outcome);
        socket.close();
        await closed;
      }),
      { numRuns: RUNS },
    );
    await eventually(
      () => server.services.streams.stats.clients.websocket,
      (n) => n === 0,
    );
  });

  it("leaves the server up and its heap roughly flat", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Accepted fuzz events are written, not held.
    await eventually(
      () => server.services.writer.pending,
      (n) => n === 0,
    );
    const grown = heapMiB() - heapBefore;
    expect(grown).toBeLessThan(48);
  });
});
