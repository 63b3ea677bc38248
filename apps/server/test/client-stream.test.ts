// The SDK's MetricsStream against the real server, over both transports: events recorded through
// the SDK arrive once each, and a stream resumes from its cursor across a server restart (the
// events posted while it was away come from the database), with nothing missed or repeated.
import { type Batch, MetricsRecorder, MetricsStream, type StreamTransport } from "@scrapewatch/client";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer(options);
  cleanups.push(() => started.stop());
  return started;
}

function stream(baseUrl: string, transport: StreamTransport, sources: string[], initialDelayMs = 100) {
  const created = new MetricsStream({
    baseUrl,
    transport,
    sources,
    reconnect: { initialDelayMs, factor: 1.5, maxDelayMs: 1000, maxAttempts: 50 },
  });
  cleanups.push(() => created.close());
  const batches: Batch[] = [];
  created.on("metrics", (batch) => batches.push(batch));
  return { stream: created, batches, ids: () => batches.flatMap((b) => b.metrics.map((m) => m.id)) };
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function post(target: TestServer, source: string, count: number): Promise<string[]> {
  const metrics = Array.from({ length: count }, (_, i) => ({
    type: "scheduler",
    source,
    durationMs: i,
    success: true,
  }));
  const response = await target.ingest({ metrics });
  expect(response.status).toBe(202);
  return ((await response.json()) as { ids: string[] }).ids;
}

describe.each(["sse", "websocket"] as const)("MetricsStream against the server over %s", (transport) => {
  it("delivers what a MetricsRecorder sends, in batches, each event once", async () => {
    const running = await server();
    const source = uniqueSource("sdk-stream");
    const { stream: live, batches, ids } = stream(running.url, transport, [source]);
    await live.connect();
    const recorder = new MetricsRecorder({ baseUrl: running.url, flushOnExit: false });
    cleanups.push(() => recorder.close());
    for (let i = 0; i < 30; i++) recorder.recordSchedulerRun(source, { durationMs: i, success: true });
    await recorder.flush();
    await waitFor(() => ids().length === 30);
    expect(new Set(ids()).size).toBe(30);
    expect(batches.every((b) => b.source === source)).toBe(true);
    expect(live.lastEventId).toBe(batches.at(-1)?.id);
  });

  it("delivers a large batch (over 64 KiB) intact", async () => {
    const running = await server();
    const source = uniqueSource("sdk-large");
    const { stream: live, ids, batches } = stream(running.url, transport, [source]);
    await live.connect();
    const recorder = new MetricsRecorder({ baseUrl: running.url, flushOnExit: false, batchSize: 60 });
    cleanups.push(() => recorder.close());
    const error = "é".repeat(1500);
    for (let i = 0; i < 60; i++) {
      recorder.recordPageNavigation(source, {
        url: `https://large.test/${i}`,
        durationMs: i,
        success: false,
        error,
      });
    }
    await recorder.flush();
    await waitFor(() => ids().length === 60);
    expect(batches.flatMap((b) => b.metrics).every((m) => m.error === error)).toBe(true);
  });

  it("reconnects and resumes across a server restart: nothing missed, nothing twice", async () => {
    const first = await server();
    const source = uniqueSource("sdk-resume");
    // A long first delay, so the events posted after the restart are replayed, not live.
    const { stream: live, ids } = stream(first.url, transport, [source], 1500);
    const disconnected: boolean[] = [];
    live.on("disconnect", (info) => disconnected.push(info.willReconnect));
    let connects = 0;
    live.on("connect", () => connects++);
    await live.connect();
    const sent = await post(first, source, 5);
    await waitFor(() => ids().length === 5);
    await first.shutdown();
    await waitFor(() => disconnected.length > 0);
    const second = await server({
      databaseUrl: first.databaseUrl,
      dir: first.dir,
      env: { PORT: String(first.port) },
    });
    sent.push(...(await post(second, source, 4)));
    await waitFor(() => connects === 2);
    sent.push(...(await post(second, source, 3)));
    await waitFor(() => ids().length >= 12);
    expect(ids()).toEqual(sent);
    expect(disconnected[0]).toBe(true);
  });

  it("a scraper recording and a subscriber streaming, with the server restarted under them: every event once", async () => {
    const first = await server();
    const source = uniqueSource("sdk-live");
    const { stream: live, batches } = stream(first.url, transport, [source], 200);
    let connects = 0;
    live.on("connect", () => connects++);
    await live.connect();
    const recorder = new MetricsRecorder({
      baseUrl: first.url,
      flushOnExit: false,
      flushIntervalMs: 50,
      retry: { baseDelayMs: 50, maxDelayMs: 300 },
    });
    cleanups.push(() => recorder.close());
    let next = 0;
    const recordSome = (count: number) => {
      for (let i = 0; i < count; i++) {
        recorder.recordPageNavigation(source, {
          url: `https://live.test/${next++}`,
          durationMs: 100,
          success: true,
        });
      }
    };
    const ticker = setInterval(() => recordSome(3), 10);
    cleanups.push(() => clearInterval(ticker));
    await waitFor(() => next >= 150);
    await first.shutdown();
    await waitFor(() => recorder.retries > 0 || next >= 400);
    const second = await server({
      databaseUrl: first.databaseUrl,
      dir: first.dir,
      env: { PORT: String(first.port) },
    });
    await waitFor(() => connects === 2);
    await waitFor(() => next >= 600);
    clearInterval(ticker);
    await recorder.flush();
    expect(recorder.dropped).toBe(0);
    const urls = () => batches.flatMap((b) => b.metrics.map((m) => (m.type === "navigation" ? m.url : "")));
    await waitFor(() => urls().length >= next);
    expect(urls()).toEqual(Array.from({ length: next }, (_, i) => `https://live.test/${i}`));
    expect(second.url).toBe(first.url);
  });
});
