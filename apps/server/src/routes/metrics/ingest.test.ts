import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../../test/factories.ts";
import { countStored, eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe.each(["sqlite", "mysql"] as const)("POST /api/v1/metrics on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server.stop());

  it("accepts the three kinds and stores them with their server-assigned ids", async () => {
    const source = uniqueSource();
    const response = await server.ingest({
      metrics: [navigationEvent(source), scrapeEvent(source), schedulerEvent(source)],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; ids: string[] };
    expect(body.accepted).toBe(3);
    expect(new Set(body.ids).size).toBe(3);
    expect([...body.ids].sort()).toEqual(body.ids);
    const stored = await eventually(
      () => server.services.store.read({ sources: [source], limit: 10 }),
      (rows) => rows.length === 3,
    );
    expect(stored.map((row) => row.metric.id).sort()).toEqual([...body.ids].sort());
    const scrape = stored.find((row) => row.metric.type === "scrape")?.metric;
    expect(scrape).toMatchObject({ itemsExtracted: 12, dataSize: 2048, success: true, error: null });
  });

  it("accepts a bare array and applies defaults", async () => {
    const source = uniqueSource();
    const response = await server.ingest([
      { type: "navigation", source, url: "https://x.test", durationMs: 5, success: false },
    ]);
    expect(response.status).toBe(202);
    const [row] = await eventually(
      () => server.services.store.read({ sources: [source], limit: 10 }),
      (rows) => rows.length === 1,
    );
    expect(row?.metric).toMatchObject({ retryCount: 0, error: null, success: false });
  });
});

describe("POST /api/v1/metrics refuses bad input clearly", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  async function errorOf(response: Response) {
    return (
      (await response.json()) as {
        error: {
          code: string;
          message: string;
          details?: { issues?: { index: number; path: string; message: string }[] };
        };
      }
    ).error;
  }

  it("answers 400 for malformed JSON", async () => {
    const response = await server.ingest('{"metrics": [');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_json");
  });

  it("answers 400 naming the index and reason of each bad event, and accepts none of them", async () => {
    const source = uniqueSource();
    const response = await server.ingest({
      metrics: [
        navigationEvent(source),
        navigationEvent(source, { durationMs: -1 }),
        scrapeEvent(source, { success: "yes" }),
        { type: "teleport", source },
        navigationEvent("bad source!"),
        navigationEvent(source, { durationMs: 24 * 3600 * 1000 }),
        navigationEvent(source, { timestamp: new Date(Date.now() + 10 * 60_000).toISOString() }),
        navigationEvent(source, { url: `https://x.test/${"a".repeat(2100)}` }),
        navigationEvent(source, { durationMs: 1.5 }),
      ],
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("invalid_events");
    const indexes = new Set(error.details?.issues?.map((issue) => issue.index));
    expect([...indexes].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(error.details?.issues?.find((issue) => issue.index === 6)?.message).toMatch(/future/);
    // Give the batcher and writer time they would need, then check nothing arrived.
    await server.ingest({ metrics: [navigationEvent(`${source}-probe`)] });
    await eventually(
      () => server.services.store.count([`${source}-probe`]),
      (n) => n === 1,
    );
    expect(await server.services.store.count([source])).toBe(0);
  });

  it("answers 400 for an empty or wrongly shaped body", async () => {
    expect((await server.ingest({ metrics: [] })).status).toBe(400);
    expect((await server.ingest({ events: [] })).status).toBe(400);
    expect((await server.ingest("42")).status).toBe(400);
  });

  it("answers 413 over 1 MiB and over 5000 events", async () => {
    const source = uniqueSource();
    const huge = await server.ingest({
      metrics: [navigationEvent(source, { error: "x".repeat(1024 * 1024 + 10) })],
    });
    expect(huge.status).toBe(413);
    const many = await server.ingest({
      metrics: Array.from({ length: 5001 }, () => ({
        type: "scheduler",
        source,
        durationMs: 1,
        success: true,
      })),
    });
    expect(many.status).toBe(413);
    expect(await server.services.store.count([source])).toBe(0);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const response = await fetch(`${server.url}/api/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe("unsupported_media_type");
  });

  it("truncates error texts over 4 KiB instead of refusing them", async () => {
    const source = uniqueSource();
    const response = await server.ingest([
      navigationEvent(source, { success: false, error: "e".repeat(10_000) }),
    ]);
    expect(response.status).toBe(202);
    const [row] = await eventually(
      () => server.services.store.read({ sources: [source], limit: 1 }),
      (rows) => rows.length === 1,
    );
    expect(row?.metric.error).toHaveLength(4096);
  });
});

describe("POST /api/v1/metrics under pressure and with tokens", () => {
  it("answers 429 with Retry-After when the bounded queue is full, and keeps what it accepted", async () => {
    const server = await startTestServer({
      env: {
        MAX_PENDING: "10",
        FLUSH_INTERVAL_MS: "60000",
        FLUSH_BATCH_SIZE: "100000",
        BATCH_INTERVAL_MS: "60000",
      },
    });
    try {
      const source = uniqueSource();
      const first = await server.ingest(Array.from({ length: 8 }, () => schedulerEvent(source)));
      expect(first.status).toBe(202);
      const second = await server.ingest(Array.from({ length: 3 }, () => schedulerEvent(source)));
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
      await server.shutdown();
      expect(await countStored(server.databaseUrl, [source])).toBe(8);
    } finally {
      await server.stop();
    }
  });

  it("answers 401 without and 403 with a wrong ingest token", async () => {
    const server = await startTestServer({ env: { INGEST_TOKENS: "secret-1,secret-2" } });
    try {
      const source = uniqueSource();
      expect((await server.ingest([navigationEvent(source)])).status).toBe(401);
      expect((await server.ingest([navigationEvent(source)], { authorization: "Bearer nope" })).status).toBe(
        403,
      );
      expect(
        (await server.ingest([navigationEvent(source)], { authorization: "Bearer secret-2" })).status,
      ).toBe(202);
      const viaQuery = await fetch(`${server.url}/api/v1/metrics?token=secret-1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([navigationEvent(source)]),
      });
      expect(viaQuery.status).toBe(202);
    } finally {
      await server.stop();
    }
  });
});
