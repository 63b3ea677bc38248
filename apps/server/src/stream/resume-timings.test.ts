import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer, idsOf, ingest } from "../../test/test-server.ts";

describe("resumes from memory (several clients over the same batches)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { BATCH_INTERVAL_MS: "0" } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("replays the same missed events to every transport, and times only resumes that replay", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    await ingest(server, [navigationEvent(source)]);
    const [first] = await stream.batches(1);
    stream.close();
    const missed = [
      ...(await ingest(server, [navigationEvent(source)])),
      ...(await ingest(server, [navigationEvent(source), navigationEvent(source)])),
    ];

    // Two SSE clients and one WebSocket client resume over the same batches: each gets them
    // whole and in order (the frames are encoded once per transport and shared).
    const resumed = await Promise.all(
      [0, 1].map(() =>
        SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, { "Last-Event-ID": first?.id ?? "" }),
      ),
    );
    const ws = await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws`);
    ws.send({ type: "subscribe", sources: [source], lastEventId: first?.id });
    for (const client of [...resumed, ws]) expect(idsOf(await client.batches(3))).toEqual(missed);

    // A client that missed nothing has nothing to replay: counted, not timed.
    const sse = resumed[0] as SseStream;
    const [, newest] = await sse.batches(3);
    const upToDate = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
      "Last-Event-ID": newest?.id ?? "",
    });
    await upToDate.waitFor("connected");

    const timings = await eventually(
      () => server.services.streams.stats.resumeTimings,
      (t) => t.nothingMissed === 1,
    );
    expect(timings.replayed).toBe(3);
    expect(timings.firstBatchMs.max).toBeGreaterThan(0);
    expect(timings.doneMs.p50).toBeGreaterThanOrEqual(timings.firstBatchMs.p50);
    for (const client of [...resumed, upToDate, ws]) client.close();
  });
});
