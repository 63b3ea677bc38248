// Two servers sharing one MariaDB database and one Redis stream: one product.
import { describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { eventually, type TestServer } from "../../test/test-server.ts";
import { useTwoInstances } from "../../test/two-instances.ts";

describe("two instances behind Redis", () => {
  const instances = useTwoInstances();

  it("hands a batch ingested on one instance to the other's bus with the same cursor, and stores it once", async () => {
    const { a, b } = instances;
    const source = uniqueSource();
    const seenOnB: string[] = [];
    const seenOnA: string[] = [];
    b.services.bus.onBatch((batch) => batch.source === source && seenOnB.push(batch.id));
    a.services.bus.onBatch((batch) => batch.source === source && seenOnA.push(batch.id));
    const response = await a.ingest(Array.from({ length: 5 }, () => schedulerEvent(source)));
    expect(response.status).toBe(202);
    await eventually(
      () => seenOnB.length,
      (n) => n === 1,
    );
    await eventually(
      () => seenOnA.length,
      (n) => n === 1,
    );
    expect(seenOnB).toEqual(seenOnA);
    await eventually(
      () => b.services.store.count([source]),
      (n) => n === 5,
    );
    const rows = await b.services.store.read({ sources: [source], limit: 10 });
    expect(
      rows.every((row) => row.position.startsWith(String(seenOnA[0]?.split("-")[0]).padStart(15, "0"))),
    ).toBe(true);
  });

  it("lets a client resume on the other instance with no gap and no duplicate", async () => {
    const { a, b } = instances;
    const source = uniqueSource();
    const first = await SseStream.open(`${a.url}/api/v1/stream?sources=${source}`);
    await first.waitFor("connected");
    const before = await ingestIds(a, 3, source);
    const seen = await first.batches(3);
    first.close();
    const cursor = seen.at(-1)?.id ?? "";
    // Events arrive on both instances while the client is away.
    const missed = [...(await ingestIds(a, 4, source)), ...(await ingestIds(b, 2, source))];
    await eventually(
      () => b.services.streams.newestCursor,
      (newest) => newest !== null && newest !== cursor,
    );
    const resumed = await SseStream.open(`${b.url}/api/v1/stream?sources=${source}`, {
      "last-event-id": cursor,
    });
    const replayed = await resumed.batches(missed.length);
    resumed.close();
    expect(seen.flatMap((batch) => batch.metrics.map((m) => m.id))).toEqual(before);
    expect(replayed.flatMap((batch) => batch.metrics.map((m) => m.id)).sort()).toEqual([...missed].sort());
  });
});

async function ingestIds(server: TestServer, n: number, source: string): Promise<string[]> {
  const response = await server.ingest(Array.from({ length: n }, () => schedulerEvent(source)));
  expect(response.status).toBe(202);
  return ((await response.json()) as { ids: string[] }).ids;
}
