import { afterEach, describe, expect, it } from "vitest";
import { IngestServer } from "../test/ingest-server.ts";
import type { DropReason, MetricsRecorderOptions } from "./recorder.ts";
import { IngestRejectedError, MetricsRecorder } from "./recorder.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<MetricsRecorderOptions> = {}) {
  const server = await new IngestServer().start();
  const errors: Error[] = [];
  const drops: { count: number; reason: DropReason }[] = [];
  const recorder = new MetricsRecorder({
    baseUrl: server.baseUrl,
    flushOnExit: false,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    onError: (error) => errors.push(error),
    onDrop: (events, reason) => drops.push({ count: events.length, reason }),
    ...options,
  });
  cleanups.push(() => server.stop());
  cleanups.push(() => recorder.close());
  return { server, recorder, errors, drops };
}

let sourceSeq = 0;
const uniqueSource = () => `src-${process.pid}-${++sourceSeq}`;

function recordScrapes(recorder: MetricsRecorder, source: string, count: number, from = 0): void {
  for (let i = from; i < from + count; i++) {
    recorder.recordPageScrape(source, { url: `https://example.test/${i}`, durationMs: i, success: true });
  }
}

describe("MetricsRecorder batching", () => {
  it("sends a full batch at once, without waiting for the interval", async () => {
    const { server, recorder } = await setup({ batchSize: 10, flushIntervalMs: 60_000 });
    recordScrapes(recorder, uniqueSource(), 25);
    await server.waitForRequests(2);
    expect(server.requests.map((r) => r.count)).toEqual([10, 10]);
    await recorder.close();
    expect(server.requests.map((r) => r.count)).toEqual([10, 10, 5]);
  });

  it("sends a partial batch after flushIntervalMs", async () => {
    const { server, recorder } = await setup({ batchSize: 100, flushIntervalMs: 50 });
    const started = Date.now();
    recordScrapes(recorder, uniqueSource(), 3);
    await server.waitForEvents(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(server.requests).toHaveLength(1);
    await recorder.flush();
    expect(recorder.sent).toBe(3);
  });

  it("posts the three kinds with whole-millisecond durations, a timestamp and the bearer token", async () => {
    const { server, recorder } = await setup({ token: "tok-1" });
    const source = uniqueSource();
    recorder.recordPageNavigation(source, { url: "https://a.test/", durationMs: 12.6, success: true });
    recorder.recordPageScrape(source, {
      url: "https://a.test/",
      durationMs: 3,
      itemsExtracted: 4,
      dataSize: 99,
      success: false,
      error: "boom",
    });
    recorder.recordSchedulerRun(`${source}-job`, { durationMs: 1000, itemsProcessed: 7, success: true });
    await recorder.flush();
    expect(server.requests[0]?.auth).toBe("Bearer tok-1");
    expect(server.events).toMatchObject([
      { type: "navigation", source, durationMs: 13, retryCount: 0, success: true, error: null },
      { type: "scrape", source, itemsExtracted: 4, dataSize: 99, success: false, error: "boom" },
      { type: "scheduler", source: `${source}-job`, itemsProcessed: 7 },
    ]);
    expect(typeof server.events[0]?.timestamp).toBe("string");
  });

  it("reports an invalid record through onError instead of throwing, and sends the rest", async () => {
    const { server, recorder, errors } = await setup();
    const source = uniqueSource();
    recorder.recordPageScrape("bad source!", { url: "https://a.test/", durationMs: 1, success: true });
    recorder.recordPageScrape(source, { url: "https://a.test/", durationMs: -1, success: true });
    recordScrapes(recorder, source, 2);
    await recorder.flush();
    expect(errors).toHaveLength(2);
    expect(server.events).toHaveLength(2);
  });
});

describe("MetricsRecorder retries", () => {
  it("retries a 5xx with the same Idempotency-Key", async () => {
    const { server, recorder } = await setup();
    server.faults.push({ kind: "status", status: 503 }, { kind: "status", status: 500 });
    recordScrapes(recorder, uniqueSource(), 5);
    await recorder.flush();
    expect(server.requests).toHaveLength(3);
    const keys = new Set(server.requests.map((r) => r.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.events).toHaveLength(5);
    expect(recorder.retries).toBe(2);
  });

  it("loses nothing and duplicates nothing when the server goes down and comes back", async () => {
    const { server, recorder, drops } = await setup({ batchSize: 20, flushIntervalMs: 20 });
    const source = uniqueSource();
    recordScrapes(recorder, source, 40);
    await server.waitForEvents(40);
    const port = server.port;
    await server.stop();
    recordScrapes(recorder, source, 60, 40);
    // Let the recorder fail against the closed port a few times before the server returns.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.retries).toBeGreaterThan(0);
    await server.start(port);
    await recorder.flush();
    const urls = server.events.map((e) => e.url);
    expect(urls).toHaveLength(100);
    expect(new Set(urls).size).toBe(100);
    expect(drops).toEqual([]);
  });

  it("does not store twice when the answer is lost after the server accepted the batch", async () => {
    const { server, recorder } = await setup();
    server.faults.push({ kind: "drop-after-accept" });
    recordScrapes(recorder, uniqueSource(), 7);
    await recorder.flush();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.key).toBe(server.requests[1]?.key);
    expect(server.events).toHaveLength(7);
    expect(recorder.sent).toBe(7);
  });

  it("backs off on 429 for as long as Retry-After says", async () => {
    const { server, recorder } = await setup({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    server.faults.push({ kind: "status", status: 429, retryAfter: "1" });
    recordScrapes(recorder, uniqueSource(), 2);
    await recorder.flush();
    const [first, second] = server.requests;
    expect(second && first && second.at - first.at).toBeGreaterThanOrEqual(990);
    expect(server.events).toHaveLength(2);
  });

  it("backs off exponentially on 429 without Retry-After", async () => {
    const { server, recorder } = await setup({
      retry: { baseDelayMs: 50, factor: 2, jitter: 0, maxDelayMs: 1000 },
    });
    for (let i = 0; i < 3; i++) server.faults.push({ kind: "status", status: 429 });
    recordScrapes(recorder, uniqueSource(), 1);
    await recorder.flush();
    const gaps = server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
  });

  it("retries a 409 (the same Idempotency-Key still in flight) with the same key", async () => {
    const { server, recorder, errors } = await setup({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    server.faults.push({ kind: "status", status: 409, retryAfter: "0" });
    recordScrapes(recorder, uniqueSource(), 2);
    await recorder.flush();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.key).toBe(server.requests[0]?.key);
    expect(server.events).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("never retries a 4xx other than 408, 409 and 429: reports it and counts the events as dropped", async () => {
    const { server, recorder, errors, drops } = await setup();
    server.faults.push({ kind: "status", status: 400, body: '{"error":{"code":"invalid_events"}}' });
    recordScrapes(recorder, uniqueSource(), 3);
    await recorder.flush();
    expect(server.requests).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IngestRejectedError);
    expect(errors[0]).toMatchObject({ status: 400, events: 3 });
    expect(drops).toEqual([{ count: 3, reason: "rejected" }]);
    expect(recorder.dropped).toBe(3);
  });

  it("splits a batch the server finds too large", async () => {
    const { server, recorder } = await setup();
    server.faults.push({ kind: "status", status: 413 });
    recordScrapes(recorder, uniqueSource(), 9);
    await recorder.flush();
    expect(server.requests.map((r) => r.count)).toEqual([9, 5, 4]);
    expect(server.events).toHaveLength(9);
  });
});

describe("MetricsRecorder memory bound and close", () => {
  it("holds at most maxQueue events, drops the oldest, and says so", async () => {
    const { server, recorder, drops } = await setup({ batchSize: 5, maxQueue: 10, closeTimeoutMs: 200 });
    await server.stop();
    recordScrapes(recorder, uniqueSource(), 25);
    expect(recorder.pending).toBe(10);
    expect(recorder.dropped).toBe(15);
    expect(drops.every((d) => d.reason === "queue_full")).toBe(true);
    await recorder.close();
    expect(recorder.dropped).toBe(25);
    expect(drops.filter((d) => d.reason === "timeout").reduce((n, d) => n + d.count, 0)).toBe(10);
  });

  it("flushes on close and drops what is recorded afterwards", async () => {
    const { server, recorder, drops } = await setup({ flushIntervalMs: 60_000 });
    const source = uniqueSource();
    recordScrapes(recorder, source, 4);
    await recorder.close();
    expect(server.events).toHaveLength(4);
    recordScrapes(recorder, source, 1);
    expect(drops).toEqual([{ count: 1, reason: "closed" }]);
  });

  it("gives up a hanging request at the close deadline", async () => {
    const { server, recorder } = await setup({ closeTimeoutMs: 300 });
    server.faults.push({ kind: "hang" });
    recordScrapes(recorder, uniqueSource(), 2);
    const started = Date.now();
    await recorder.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(recorder.dropped).toBe(2);
  });
});
