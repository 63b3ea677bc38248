// Retention and resume: once the nightly job has deleted raw rows, a stream resume from a cursor
// before the newest deleted row gets `reset` instead of a replay that silently lacks those rows.
// Events carry their own timestamps, so a row ingested a minute ago may be past retention.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { countStored, eventually, startTestServer, type TestServer } from "../../test/test-server.ts";
import { type Cluster, startCluster } from "../../test/two-instances.ts";
import { RedisBatchBus } from "../scaleout/redis-batch-bus.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Ingests one event, waits until it is stored, and returns its event cursor. */
async function ingestOne(
  server: TestServer,
  source: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const before = await countStored(server.databaseUrl, [source]);
  const response = await server.ingest([navigationEvent(source, overrides)]);
  expect(response.status).toBe(202);
  const [id] = ((await response.json()) as { ids: string[] }).ids;
  await eventually(
    () => countStored(server.databaseUrl, [source]),
    (n) => n === before + 1,
  );
  const list = (await (await fetch(`${server.url}/api/v1/metrics?source=${source}&limit=100`)).json()) as {
    items: { id: string; cursor: string }[];
  };
  const item = list.items.find((row) => row.id === id);
  if (!item) throw new Error(`event ${id} not listed`);
  return item.cursor;
}

async function resume(server: TestServer, source: string, cursor: string) {
  const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
    "Last-Event-ID": cursor,
  });
  await stream.waitFor("connected");
  return stream;
}

async function expectReset(server: TestServer, source: string, cursor: string): Promise<void> {
  const stale = await resume(server, source, cursor);
  const [reset] = await stale.waitFor("reset");
  expect(JSON.parse(reset?.data ?? "{}").reason).toBe("cursor_expired");
  stale.close();
}

describe("resume after retention", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RETENTION_DAYS: "7" } });
  });
  afterAll(async () => server.stop());

  it("sends reset to a cursor older than the newest deleted row, and replays newer ones", async () => {
    const source = uniqueSource("retained");
    const first = await ingestOne(server, source);
    // Ingested now, timestamped six days ago (ingest refuses events already past retention,
    // timestamp_too_old): retention is then shortened to five days, so the nightly job deletes it.
    const backfilled = await ingestOne(server, source, {
      timestamp: new Date(Date.now() - 6 * DAY_MS).toISOString(),
    });
    const last = await ingestOne(server, source);

    // Before retention, a resume from the first cursor replays both later events.
    const before = await resume(server, source, first);
    expect((await before.batches(2)).flatMap((batch) => batch.metrics)).toHaveLength(2);
    before.close();

    server.services.env.RETENTION_DAYS = 5;
    const report = await server.services.history.runNightly();
    expect(report.deleted).toBe(1);
    expect(report.deletedThrough?.startsWith(backfilled.split("-")[0]?.padStart(15, "0") ?? "?")).toBe(true);
    expect(await countStored(server.databaseUrl, [source])).toBe(2);

    for (const cursor of [first, backfilled]) await expectReset(server, source, cursor);

    // A cursor after the deleted row resumes as before: no reset, the next event arrives.
    const fresh = await resume(server, source, last);
    const next = await server.ingest([navigationEvent(source)]);
    const [nextId] = ((await next.json()) as { ids: string[] }).ids;
    const batches = await fresh.batches(1);
    expect(batches.flatMap((batch) => batch.metrics.map((metric) => metric.id))).toEqual([nextId]);
    expect(fresh.events.some((event) => event.event === "reset")).toBe(false);
    fresh.close();
  });
});

describe("resume after retention, several instances (Redis)", () => {
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    cluster = await startCluster({ RETENTION_DAYS: "7" });
    a = await cluster.add();
    b = await cluster.add();
  });
  afterAll(async () => cluster.stop());

  it("tells every instance, and one started later, what the job deleted", async () => {
    const source = uniqueSource("retained-ab");
    const first = await ingestOne(a, source);
    // Six days back, then retention shortened to five (see above).
    await ingestOne(a, source, { timestamp: new Date(Date.now() - 6 * DAY_MS).toISOString() });
    a.services.env.RETENTION_DAYS = 5;
    const bus = b.services.bus;
    if (!(bus instanceof RedisBatchBus)) throw new Error("expected the Redis bus");
    const told = new Promise((resolve) => bus.onForgotten(resolve));
    expect((await a.services.history.runNightly()).deleted).toBe(1);
    await told;
    await expectReset(b, source, first);
    const c = await cluster.add();
    await expectReset(c, source, first);
  });
});
