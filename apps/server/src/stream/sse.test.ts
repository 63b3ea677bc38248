import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { startTestServer, type TestServer, idsOf, ingest } from "../../test/test-server.ts";

describe("GET /api/v1/stream", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SSE_HEARTBEAT_MS: "50", MAX_CLIENTS: "50" } });
  });
  afterAll(async () => server.stop());

  it("answers with the event-stream headers, retry, connected and metrics with ids", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
    expect(stream.response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(stream.response.headers.get("x-accel-buffering")).toBe("no");
    expect(stream.response.headers.get("content-encoding")).toBeNull();
    expect(stream.response.headers.get("x-request-id")).toEqual(expect.any(String));
    const [connected] = await stream.waitFor("connected");
    expect(stream.events[0]).toMatchObject({ event: "retry", retry: 3000 });
    expect(JSON.parse(connected?.data ?? "")).toMatchObject({
      sources: [source],
      clientId: expect.any(String),
    });
    expect(connected?.id).toBeUndefined();

    const ids = await ingest(server, [navigationEvent(source), scrapeEvent(source), schedulerEvent(source)]);
    const batches = await stream.batches(3);
    expect(idsOf(batches)).toEqual(ids);
    const [metrics] = await stream.waitFor("metrics");
    const batch = JSON.parse(metrics?.data ?? "");
    expect(batch).toMatchObject({ id: metrics?.id, source, count: 3, timestamp: expect.any(String) });
    expect(batch.metrics[1]).toMatchObject({ type: "scrape", itemsExtracted: 12, source });
    stream.close();
  });

  it("delivers only the requested sources, in strictly increasing cursor order", async () => {
    const [a, b, c] = [uniqueSource(), uniqueSource(), uniqueSource()];
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${a},${b}`);
    await stream.waitFor("connected");
    for (let i = 0; i < 5; i++)
      await ingest(server, [navigationEvent(a), navigationEvent(c), navigationEvent(b)]);
    const batches = await stream.batches(10);
    expect(new Set(batches.map((x) => x.source))).toEqual(new Set([a, b]));
    const cursors = stream.events.filter((e) => e.event === "metrics").map((e) => e.id ?? "");
    const sorted = [...cursors].sort((x, y) => (x.localeCompare(y, "en", { numeric: true }) < 0 ? -1 : 1));
    expect(cursors).toEqual(sorted);
    expect(new Set(cursors).size).toBe(cursors.length);
    stream.close();
  });

  it("sends anomalies of subscribed sources as event: anomaly", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    const anomaly = {
      id: `an-${source}`,
      source,
      metric: "navigationDuration" as const,
      value: 9000,
      baseline: 250,
      deviationScore: 7.5,
      direction: "spike" as const,
      detectedAt: new Date().toISOString(),
    };
    server.services.streams.publishAnomaly(anomaly);
    server.services.streams.publishAnomaly({ ...anomaly, source: uniqueSource() });
    const [event] = await stream.waitFor("anomaly");
    expect(JSON.parse(event?.data ?? "")).toEqual(anomaly);
    expect(event?.id).toBeUndefined();
    stream.close();
  });

  it("sends a ping comment every SSE_HEARTBEAT_MS", async () => {
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${uniqueSource()}`);
    await stream.waitFor("connected");
    const started = Date.now();
    while (stream.comments.filter((c) => c === "ping").length < 2) {
      expect(Date.now() - started).toBeLessThan(5000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    stream.close();
  });

  it("replays from memory after Last-Event-ID or ?lastEventId=, then continues live", async () => {
    const source = uniqueSource();
    const first = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await first.waitFor("connected");
    const before = await ingest(server, [navigationEvent(source), navigationEvent(source)]);
    await first.batches(2);
    const cursor = first.events.filter((e) => e.event === "metrics").at(-1)?.id ?? "";
    first.close();
    const missed = [
      ...(await ingest(server, [scrapeEvent(source)])),
      ...(await ingest(server, [schedulerEvent(source)])),
    ];
    const hits = server.services.streams.stats.resumeHits;
    const byHeader = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
      "Last-Event-ID": cursor,
    });
    const byQuery = await SseStream.open(
      `${server.url}/api/v1/stream?sources=${source}&lastEventId=${cursor}`,
    );
    expect(idsOf(await byHeader.batches(2))).toEqual(missed);
    expect(idsOf(await byQuery.batches(2))).toEqual(missed);
    expect(server.services.streams.stats.resumeHits).toBe(hits + 2);
    const live = await ingest(server, [navigationEvent(source)]);
    expect(idsOf(await byHeader.batches(3))).toEqual([...missed, ...live]);
    expect(before).toHaveLength(2);
    byHeader.close();
    byQuery.close();
  });

  it("resumes in the middle of a batch from an event cursor", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    const ids = await ingest(server, [navigationEvent(source), scrapeEvent(source), schedulerEvent(source)]);
    const [batch] = await stream.batches(3);
    stream.close();
    const resumed = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
      "Last-Event-ID": `${batch?.id}-0`,
    });
    expect(idsOf(await resumed.batches(2))).toEqual(ids.slice(1));
    resumed.close();
  });

  it("sends reset for a malformed cursor or one older than retention, then streams live", async () => {
    const source = uniqueSource();
    for (const cursor of ["not-a-cursor", "1000-0"]) {
      const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
        "Last-Event-ID": cursor,
      });
      const [reset] = await stream.waitFor("reset");
      const body = JSON.parse(reset?.data ?? "");
      expect(body.reason).toBe(cursor === "1000-0" ? "cursor_expired" : "malformed_cursor");
      expect(reset?.id).toBe(body.cursor);
      const ids = await ingest(server, [navigationEvent(source)]);
      expect(idsOf(await stream.batches(1))).toEqual(ids);
      stream.close();
    }
  });

  it("sends reset for a cursor newer than anything sent (another database) and one with a too-long sequence", async () => {
    const source = uniqueSource();
    const cases = [
      ["9999999999999-0", "cursor_ahead"],
      [`${Date.now()}-12345678901`, "malformed_cursor"],
    ] as const;
    for (const [cursor, reason] of cases) {
      const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
        "Last-Event-ID": cursor,
      });
      const [reset] = await stream.waitFor("reset");
      expect(JSON.parse(reset?.data ?? "").reason, cursor).toBe(reason);
      const ids = await ingest(server, [navigationEvent(source)]);
      expect(idsOf(await stream.batches(1))).toEqual(ids);
      stream.close();
    }
  });

  it("refuses a bad sources filter with 400", async () => {
    const response = await fetch(`${server.url}/api/v1/stream?sources=bad%20name`);
    expect(response.status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => `s${i}`).join(",");
    expect((await fetch(`${server.url}/api/v1/stream?sources=${many}`)).status).toBe(400);
  });

  it.each([
    ["HTTP/1.1", []],
    ["HTTP/1.0", ["-0"]],
  ])("works with curl -N over %s", async (_v, extra) => {
    const source = uniqueSource();
    const curl = spawn("curl", ["-sN", ...extra, `${server.url}/api/v1/stream?sources=${source}`]);
    let output = "";
    curl.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const waitOutput = async (text: string) => {
      const deadline = Date.now() + 5000;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`curl output lacks ${text}: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await waitOutput("event: connected");
    const [id] = await ingest(server, [navigationEvent(source)]);
    await waitOutput(`"id":"${id}"`);
    expect(output).toMatch(/^retry: 3000\n\nevent: connected\ndata: \{/);
    expect(output).toMatch(/event: metrics\nid: \d+-\d+\ndata: \{/);
    curl.kill();
  });
});

describe("GET /api/v1/stream with READ_TOKENS and MAX_CLIENTS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_TOKENS: "r1", MAX_CLIENTS: "2" } });
  });
  afterAll(async () => server.stop());

  it("requires a read token as header or ?token=", async () => {
    expect((await fetch(`${server.url}/api/v1/stream`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(403);
    const ok = await SseStream.open(`${server.url}/api/v1/stream?token=r1`);
    expect(ok.response.status).toBe(200);
    ok.close();
  });

  it("answers 503 with Retry-After beyond MAX_CLIENTS", async () => {
    const auth = { authorization: "Bearer r1" };
    const open = [await SseStream.open(`${server.url}/api/v1/stream`, auth)];
    await open[0]?.waitFor("connected");
    // The previous test's stream may still be closing: wait for a free slot, then fill it.
    while (server.services.streams.stats.clients.sse > 1) await new Promise((r) => setTimeout(r, 10));
    open.push(await SseStream.open(`${server.url}/api/v1/stream`, auth));
    const refused = await fetch(`${server.url}/api/v1/stream`, { headers: auth });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("too_many_clients");
    for (const s of open) s.close();
  });
});
