// A batch from another instance must not be missing from a resume in the seconds before its
// origin has stored it: not when this instance's replay buffer is under pressure (it keeps such a
// batch until the origin's "stored through" watermark covers it), and not on an instance started
// meanwhile (it reads the stream from the origin's watermark). Instance B here writes only at
// shutdown, so its batches stay out of the database for the whole test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { countStored, eventually, type TestServer } from "../../test/test-server.ts";
import { type Cluster, startCluster } from "../../test/two-instances.ts";

describe("another instance's batches that are not stored yet", () => {
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    cluster = await startCluster();
    // A keeps as little as it may in memory; B's writer waits (10 minutes, 100,000 events).
    a = await cluster.add({ REPLAY_BUFFER_SIZE: "1", REPLAY_BUFFER_EVENTS: "1" });
    b = await cluster.add({ FLUSH_INTERVAL_MS: "600000", FLUSH_BATCH_SIZE: "100000" });
  });
  afterAll(async () => cluster.stop());

  async function ingest(server: TestServer, source: string, n: number): Promise<string[]> {
    const response = await server.ingest(Array.from({ length: n }, () => schedulerEvent(source)));
    expect(response.status).toBe(202);
    return ((await response.json()) as { ids: string[] }).ids;
  }

  async function resumeIds(server: TestServer, source: string, cursor: string, events: number) {
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
      "last-event-id": cursor,
    });
    const batches = await stream.batches(events);
    stream.close();
    expect(stream.events.some((event) => event.event === "reset")).toBe(false);
    return batches.flatMap((batch) => batch.metrics.map((metric) => metric.id)).sort();
  }

  it("are replayed from memory, by a busy instance and by one started meanwhile", async () => {
    const source = uniqueSource("unstored");
    const live = await SseStream.open(`${a.url}/api/v1/stream?sources=${source}`);
    await live.waitFor("connected");
    await ingest(a, source, 1);
    const [first] = await live.batches(1);
    const cursor = first?.id ?? "";

    const fromB = await ingest(b, source, 2);
    await live.waitForEvents(3);
    // A stores batches of its own, one by one: its buffer (one batch) evicts all it may.
    const fromA: string[] = [];
    for (let i = 0; i < 3; i++) {
      fromA.push(...(await ingest(a, source, 1)));
      await live.waitForEvents(4 + i);
      await eventually(
        () => countStored(cluster.databaseUrl, [source]),
        (n) => n === 2 + i,
      );
    }
    live.close();
    // B's events are still not in the database.
    expect(await countStored(cluster.databaseUrl, [source])).toBe(4);

    const missed = [...fromB, ...fromA].sort();
    expect(await resumeIds(a, source, cursor, missed.length)).toEqual(missed);

    // An instance started now reads B's batches from the stream: storage does not have them.
    const c = await cluster.add();
    expect(await resumeIds(c, source, cursor, missed.length)).toEqual(missed);
  });
});
