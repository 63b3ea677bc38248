import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

interface Page {
  items: { id: string; source: string; type: string; cursor: string; timestamp: string }[];
  nextCursor: string | null;
  hasMore: boolean;
}

describe.each(["sqlite", "mysql"] as const)("GET /api/v1/metrics on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { READ_TOKENS: "reader", FLUSH_BATCH_SIZE: "500" } });
  });
  afterAll(async () => server.stop());

  const auth = { authorization: "Bearer reader" };
  async function page(query: string): Promise<Page> {
    const response = await fetch(`${server.url}/api/v1/metrics?${query}`, { headers: auth });
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  }

  async function ingestMany(sources: string[], rounds: number, perRound: number): Promise<string[]> {
    const ids: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const metrics = Array.from({ length: perRound }, (_, i) => {
        const source = sources[i % sources.length] ?? "x";
        return [navigationEvent, scrapeEvent, schedulerEvent][i % 3]?.(source, { durationMs: i }) ?? {};
      });
      const response = await server.ingest({ metrics });
      expect(response.status).toBe(202);
      ids.push(...((await response.json()) as { ids: string[] }).ids);
    }
    return ids;
  }

  it("pages through thousands of events, each exactly once and in cursor order, while ingest goes on", async () => {
    const sources = [uniqueSource(), uniqueSource()];
    const query = `source=${sources.join(",")}&limit=137`;
    const first = await ingestMany(sources, 4, 500);
    const seen: string[] = [];
    const cursors: string[] = [];
    let after: string | null = null;
    const more = ingestMany(sources, 6, 500);
    // Poll while the second half is being ingested, then until everything has been seen.
    let expected = first.length;
    let all = first;
    const deadline = Date.now() + 30_000;
    while (seen.length < expected && Date.now() < deadline) {
      const result: Page = await page(after ? `${query}&after=${after}` : query);
      seen.push(...result.items.map((item) => item.id));
      cursors.push(...result.items.map((item) => item.cursor));
      after = result.nextCursor ?? after;
      if (expected === first.length && seen.length >= first.length) {
        all = [...first, ...(await more)];
        expected = all.length;
      }
      if (!result.hasMore) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.length).toBe(5_000);
    expect(new Set(seen).size).toBe(5_000);
    expect(new Set(seen)).toEqual(new Set(all));
    const keys = cursors.map((cursor) => cursor.split("-").map(Number));
    for (let i = 1; i < keys.length; i++) {
      const [a = [], b = []] = [keys[i - 1], keys[i]];
      const order = (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0) || (a[2] ?? 0) - (b[2] ?? 0);
      expect(order).toBeLessThan(0);
    }
  });

  it("resumes after a batch cursor as after the last event of that batch", async () => {
    const source = uniqueSource();
    await ingestMany([source], 1, 30);
    const all = await eventually(
      () => page(`source=${source}&limit=1000`),
      (p) => p.items.length === 30,
    );
    const cut = all.items[9]?.cursor ?? "";
    const batch = cut.split("-").slice(0, 2).join("-");
    const afterEvent = await page(`source=${source}&after=${cut}`);
    expect(afterEvent.items.map((i) => i.id)).toEqual(all.items.slice(10).map((i) => i.id));
    const afterBatch = await page(`source=${source}&after=${batch}`);
    expect(afterBatch.items.every((item) => !item.cursor.startsWith(`${batch}-`))).toBe(true);
    const empty = await page(`source=${source}&after=${all.nextCursor}`);
    expect(empty).toMatchObject({ items: [], nextCursor: all.nextCursor, hasMore: false });
  });

  it("filters by type and time", async () => {
    const source = uniqueSource();
    const old = new Date(Date.now() - 3_600_000).toISOString();
    const response = await server.ingest({
      metrics: [
        navigationEvent(source, { timestamp: old }),
        scrapeEvent(source),
        schedulerEvent(source),
        navigationEvent(source),
      ],
    });
    expect(response.status).toBe(202);
    await eventually(
      () => page(`source=${source}`),
      (p) => p.items.length === 4,
    );
    expect((await page(`source=${source}&type=navigation`)).items).toHaveLength(2);
    expect((await page(`source=${source}&type=scheduler`)).items.map((i) => i.type)).toEqual(["scheduler"]);
    const recent = await page(`source=${source}&from=${new Date(Date.now() - 600_000).toISOString()}`);
    expect(recent.items).toHaveLength(3);
    const before = await page(
      `source=${source}&to=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}`,
    );
    expect(before.items.map((i) => i.timestamp)).toEqual([old]);
  });

  it("answers 400 for a malformed cursor or bad parameters, 401 without a token", async () => {
    for (const query of [
      "after=abc",
      "after=1-2-3-4",
      "limit=1001",
      "limit=0",
      "type=teleport",
      "source=bad!",
      "from=yesterday",
    ]) {
      const response = await fetch(`${server.url}/api/v1/metrics?${query}`, { headers: auth });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    }
    expect((await fetch(`${server.url}/api/v1/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/metrics?token=reader&limit=1`)).status).toBe(200);
  });
});
