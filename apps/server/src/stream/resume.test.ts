import { DIALECTS } from "@scrapewatch/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import {
  countStored,
  eventually,
  startTestServer,
  type TestServer,
  idsOf,
  ingest,
} from "../../test/test-server.ts";

describe.each(DIALECTS)("resume from storage on %s", (dialect) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers.reverse()) await server.stop();
  });

  it("replays exactly the missing events after a server restart, by batch or event cursor", async () => {
    const first = await startTestServer({ dialect });
    servers.push(first);
    const source = uniqueSource();
    const other = uniqueSource();
    const stream = await SseStream.open(`${first.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    const seen = await ingest(first, [navigationEvent(source), scrapeEvent(source), schedulerEvent(source)]);
    const [batch] = await stream.batches(3);
    stream.close();
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) {
      missed.push(
        ...(await ingest(first, [navigationEvent(source), navigationEvent(other)])).filter((_, j) => j === 0),
      );
    }
    await first.shutdown();
    expect(await countStored(first.databaseUrl, [source])).toBe(8);

    const second = await startTestServer({ databaseUrl: first.databaseUrl, dir: first.dir });
    servers.push(second);
    const misses = second.services.streams.stats.resumeMisses;
    const resumed = await SseStream.open(`${second.url}/api/v1/stream?sources=${source}`, {
      "Last-Event-ID": batch?.id ?? "",
    });
    expect(idsOf(await resumed.batches(5))).toEqual(missed);
    const live = await ingest(second, [navigationEvent(source)]);
    const all = await resumed.batches(6);
    expect(idsOf(all)).toEqual([...missed, ...live]);
    // New cursors continue after the stored ones.
    const cursors = resumed.events.filter((e) => e.event === "metrics").map((e) => e.id ?? "");
    expect(cursors.at(-1)?.localeCompare(cursors.at(-2) ?? "", "en", { numeric: true })).toBe(1);
    resumed.close();

    const mid = await WsConnection.open(`${second.url.replace("http", "ws")}/api/v1/ws`);
    mid.send({ type: "subscribe", sources: [source], lastEventId: `${batch?.id}-1` });
    expect(idsOf(await mid.batches(7))).toEqual([...seen.slice(2), ...missed, ...live]);
    mid.close();
    expect(second.services.streams.stats.resumeMisses).toBe(misses + 2);
  });

  it("switches from a storage replay to live without gap or duplicate while ingest goes on", async () => {
    const server = await startTestServer({
      dialect,
      env: { REPLAY_BUFFER_SIZE: "0", BATCH_INTERVAL_MS: "0" },
    });
    servers.push(server);
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    const firstIds = await ingest(server, [navigationEvent(source)]);
    const [first] = await stream.batches(1);
    stream.close();
    const expected: string[] = [];
    for (let i = 0; i < 30; i++)
      expected.push(...(await ingest(server, [navigationEvent(source), scrapeEvent(source)])));
    await eventually(
      () => countStored(server.databaseUrl, [source]),
      (n) => n === 61,
    );
    const resumed = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, {
      "Last-Event-ID": first?.id ?? "",
    });
    const during = Promise.all(
      Array.from({ length: 10 }, () => ingest(server, [navigationEvent(source), scrapeEvent(source)])),
    );
    const more = (await during).flat();
    const received = idsOf(await resumed.batches(expected.length + more.length));
    expect(received).toHaveLength(expected.length + more.length);
    expect(new Set(received)).toEqual(new Set([...expected, ...more]));
    expect(received.slice(0, expected.length)).toEqual(expected);
    expect(firstIds).toHaveLength(1);
    resumed.close();
  });
});
