// The SDK's MetricsRecorder against the real server: batching, an outage with a restart on the
// same port and database, 429 back-off, and flushing when the recording process ends.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type DropReason, MetricsRecorder } from "@scrapewatch/client";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories.ts";
import { countStored, eventually, startTestServer, type TestServer } from "./test-server.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer(options);
  cleanups.push(() => started.stop());
  return started;
}

function recorder(baseUrl: string, options: Partial<ConstructorParameters<typeof MetricsRecorder>[0]> = {}) {
  const drops: DropReason[] = [];
  const errors: Error[] = [];
  const created = new MetricsRecorder({
    baseUrl,
    flushOnExit: false,
    retry: { baseDelayMs: 50, maxDelayMs: 500 },
    onDrop: (_events, reason) => drops.push(reason),
    onError: (error) => errors.push(error),
    ...options,
  });
  cleanups.push(() => created.close());
  return { recorder: created, drops, errors };
}

function record(target: MetricsRecorder, source: string, count: number, from = 0): void {
  for (let i = from; i < from + count; i++) {
    target.recordPageNavigation(source, {
      url: `https://sdk.test/${i}`,
      durationMs: i,
      retryCount: i % 3,
      success: i % 7 !== 0,
    });
  }
}

describe("MetricsRecorder against the server", () => {
  it("stores every event of its batches exactly once", async () => {
    const running = await server();
    const { recorder: sdk, errors } = recorder(running.url, { batchSize: 100 });
    const source = uniqueSource("sdk-batch");
    record(sdk, source, 250);
    await sdk.flush();
    expect(errors).toEqual([]);
    expect(sdk.sent).toBe(250);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 250,
    );
  });

  it("loses nothing and stores nothing twice when the server goes down and comes back", async () => {
    const first = await server();
    const { recorder: sdk, drops } = recorder(first.url, { batchSize: 20, flushIntervalMs: 50 });
    const source = uniqueSource("sdk-outage");
    record(sdk, source, 40);
    await sdk.flush();
    await first.shutdown();
    record(sdk, source, 60, 40);
    await eventually(
      () => sdk.retries,
      (n) => n >= 2,
    );
    const second = await server({
      databaseUrl: first.databaseUrl,
      dir: first.dir,
      env: { PORT: String(first.port) },
    });
    await sdk.flush();
    expect(drops).toEqual([]);
    await eventually(
      () => countStored(second.databaseUrl, [source]),
      (n) => n === 100,
    );
  });

  it("stores a batch once when its answer is lost and the recorder retries it (Idempotency-Key)", async () => {
    const running = await server();
    const proxy = await answerLosingProxy(running.url, 1);
    const { recorder: sdk, drops } = recorder(proxy.url);
    const source = uniqueSource("sdk-lost");
    record(sdk, source, 25);
    await sdk.flush();
    expect(proxy.forwarded).toBe(2);
    expect(sdk.retries).toBe(1);
    expect(drops).toEqual([]);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 25,
    );
    expect(running.services.pipeline.acceptedBySource.get(source)).toBe(25);
  });

  it("backs off on 429 until the server has room, then delivers everything", async () => {
    const running = await server({ env: { MAX_PENDING: "10", FLUSH_INTERVAL_MS: "100" } });
    const { recorder: sdk, drops } = recorder(running.url, { batchSize: 10 });
    const source = uniqueSource("sdk-429");
    record(sdk, source, 30);
    await sdk.flush();
    expect(sdk.retries).toBeGreaterThan(0);
    expect(drops).toEqual([]);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 30,
    );
  });

  it("splits a batch the server finds over 1 MiB and stores all of it", async () => {
    const running = await server();
    const {
      recorder: sdk,
      drops,
      errors,
    } = recorder(running.url, { batchSize: 1000, flushIntervalMs: 60_000 });
    const source = uniqueSource("sdk-413");
    const longPath = "p".repeat(1500);
    for (let i = 0; i < 1000; i++) {
      sdk.recordPageScrape(source, {
        url: `https://big.test/${i}/${longPath}`,
        durationMs: i,
        success: true,
      });
    }
    await sdk.flush();
    expect(errors).toEqual([]);
    expect(drops).toEqual([]);
    expect(sdk.sent).toBe(1000);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 1000,
    );
  });

  it("sends its ingest token; a wrong token is reported once, not retried", async () => {
    const running = await server({ env: { INGEST_TOKENS: "ingest-secret" } });
    const source = uniqueSource("sdk-token");
    const good = recorder(running.url, { token: "ingest-secret" });
    record(good.recorder, source, 3);
    await good.recorder.flush();
    expect(good.errors).toEqual([]);
    const bad = recorder(running.url, { token: "wrong" });
    record(bad.recorder, source, 2);
    await bad.recorder.flush();
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]).toMatchObject({ status: 403 });
    expect(bad.drops).toEqual(["rejected"]);
    expect(bad.recorder.retries).toBe(0);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 3,
    );
  });

  it("flushes what a script recorded when the script ends", async () => {
    const running = await server();
    const source = uniqueSource("sdk-exit");
    const script = fileURLToPath(new URL("./fixtures/sdk-exit-child.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", script, running.url, source],
      {
        stdio: "inherit",
      },
    );
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    await eventually(
      () => countStored(running.databaseUrl, [source]),
      (n) => n === 3,
    );
  });
});

/**
 * Forwards ingest requests to the server, but for the first `lose` of them cuts the client's
 * connection after the server has answered: the events are stored, the client never hears so.
 */
async function answerLosingProxy(target: string, lose: number) {
  let forwarded = 0;
  const proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length") headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body: Buffer.concat(chunks),
    });
    const text = await answer.text();
    if (forwarded++ < lose) {
      res.socket?.destroy();
      return;
    }
    res
      .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
      .end(text);
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get forwarded() {
      return forwarded;
    },
  };
}
