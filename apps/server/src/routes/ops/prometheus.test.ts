import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { SseStream, WsConnection } from "../../../test/stream-clients.ts";
import { type Family, parseExposition } from "../../../test/exposition.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe("GET /metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_TOKENS: "r" } });
  });
  afterAll(async () => server.stop());

  async function scrape(): Promise<Map<string, Family>> {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer r" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    return parseExposition(await response.text());
  }

  it("reports ingest counts, batch sizes, write lag, queue depth and the streams' figures", async () => {
    const source = uniqueSource();
    await server.ingest({ metrics: Array.from({ length: 7 }, () => navigationEvent(source)) });
    // Real clients: three SSE (one resuming from a cursor kept in memory) and two WebSocket.
    // A cursor the server has delivered (kept in memory), so the resume below is a real one.
    const cursor = await eventually(
      () => server.services.streams.newestCursor,
      (newest) => newest !== null,
    );
    const first = await SseStream.open(`${server.url}/api/v1/stream?token=r`);
    const sse = [
      first,
      await SseStream.open(`${server.url}/api/v1/stream?token=r`),
      await SseStream.open(`${server.url}/api/v1/stream?token=r&lastEventId=${cursor}`),
    ];
    const ws = [
      await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?token=r`),
      await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?token=r`),
    ];
    const families = await eventually(
      scrape,
      (f) =>
        (f.get("scrapewatch_write_lag_seconds")?.samples.find((s) => s.name.endsWith("_count"))?.value ??
          0) >= 7,
    );
    const ingest = families.get("scrapewatch_ingest_events_total");
    expect(ingest?.type).toBe("counter");
    expect(ingest?.samples.find((s) => s.labels.source === source)?.value).toBe(7);
    const batches = families.get("scrapewatch_batch_size_events");
    expect(batches?.type).toBe("histogram");
    const buckets = batches?.samples.filter((s) => s.name.endsWith("_bucket")) ?? [];
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0);
    expect(buckets.at(-1)?.labels.le).toBe("+Inf");
    expect(buckets.at(-1)?.value).toBe(batches?.samples.find((s) => s.name.endsWith("_count"))?.value);
    expect(
      families.get("scrapewatch_connected_clients")?.samples.map((s) => [s.labels.transport, s.value]),
    ).toEqual([
      ["sse", 3],
      ["websocket", 2],
    ]);
    expect(families.get("scrapewatch_dropped_slow_consumers_total")?.samples[0]?.value).toBe(0);
    const resumes = families.get("scrapewatch_resume_total")?.samples.reduce((sum, s) => sum + s.value, 0);
    expect(resumes).toBe(1);
    for (const client of sse) client.close();
    for (const client of ws) client.close();
    expect(families.get("scrapewatch_queue_depth_events")?.type).toBe("gauge");
  });

  it("needs a read token when READ_TOKENS are set", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});
