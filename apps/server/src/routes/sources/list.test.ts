import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

interface Entry {
  source: string;
  kind: string;
  lastSeen: string | null;
  lastHour: Record<
    string,
    {
      count: number;
      successes: number;
      successRate: number | null;
      items: number;
      p50DurationMs: number | null;
      p95DurationMs: number | null;
    }
  >;
}

describe.each(["sqlite", "mysql"] as const)("GET /api/v1/sources on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server.stop());

  async function sources(): Promise<Entry[]> {
    const response = await fetch(`${server.url}/api/v1/sources`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { sources: Entry[] }).sources;
  }

  it("lists each source with its last hour of figures", async () => {
    const scraper = uniqueSource();
    const scheduler = uniqueSource("job");
    const durations = Array.from({ length: 100 }, (_, i) => 100 + i * 10);
    const response = await server.ingest({
      metrics: [
        ...durations.map((durationMs, i) => navigationEvent(scraper, { durationMs, success: i % 4 !== 0 })),
        scrapeEvent(scraper, { itemsExtracted: 7 }),
        scrapeEvent(scraper, { itemsExtracted: 5 }),
        schedulerEvent(scheduler, { itemsProcessed: 3 }),
      ],
    });
    expect(response.status).toBe(202);
    const list = await eventually(sources, (all) => all.some((s) => s.source === scheduler));
    const entry = list.find((s) => s.source === scraper);
    expect(entry?.kind).toBe("scraper");
    expect(entry?.lastSeen).not.toBeNull();
    expect(entry?.lastHour.navigation).toMatchObject({ count: 100, successes: 75, successRate: 0.75 });
    expect(entry?.lastHour.scrape).toMatchObject({ count: 2, items: 12 });
    // Nearest rank over 5 %-wide histogram slots: within 5 % of the exact figure.
    expect(entry?.lastHour.navigation?.p50DurationMs).toBeGreaterThan(590 * 0.95);
    expect(entry?.lastHour.navigation?.p50DurationMs).toBeLessThan(590 * 1.05);
    expect(entry?.lastHour.navigation?.p95DurationMs).toBeGreaterThan(1040 * 0.95);
    expect(entry?.lastHour.navigation?.p95DurationMs).toBeLessThan(1040 * 1.05);
    expect(list.find((s) => s.source === scheduler)).toMatchObject({
      kind: "scheduler",
      lastHour: { scheduler: { count: 1, items: 3 } },
    });
  });

  it("knows sources from stored history, with when they were last seen", async () => {
    // Its own server: the source directory of the shared one may be cached from another test.
    const own = await startTestServer({ dialect });
    const old = uniqueSource();
    const at = "2025-01-02T03:04:05.678Z";
    await own.services.store.insert([
      {
        metric: {
          ...navigationEvent(old),
          id: `OLD${old}`.padEnd(26, "0").slice(0, 26),
          timestamp: at,
          retryCount: 0,
          error: null,
        } as never,
        position: "000000000000001-0000000000-00000",
      },
    ]);
    try {
      const response = await fetch(`${own.url}/api/v1/sources`);
      const list = ((await response.json()) as { sources: Entry[] }).sources;
      expect(list.find((s) => s.source === old)).toMatchObject({
        kind: "scraper",
        lastSeen: at,
        lastHour: { navigation: { count: 0 } },
      });
    } finally {
      await own.stop();
    }
  });

  it("pages through sources by name with after, limit and nextCursor", async () => {
    const prefix = uniqueSource("page");
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    expect((await server.ingest(names.map((name) => navigationEvent(name)))).status).toBe(202);
    const page = async (query: string) => {
      const response = await fetch(`${server.url}/api/v1/sources?${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as { sources: Entry[]; nextCursor: string | null };
    };
    await eventually(
      () => page(`after=${prefix}`),
      (body) => body.sources.filter((entry) => entry.source.startsWith(prefix)).length === 3,
    );
    const first = await page(`after=${prefix}&limit=2`);
    expect(first.sources.map((entry) => entry.source)).toEqual(names.slice(0, 2));
    expect(first.nextCursor).toBe(names[1]);
    const second = await page(`after=${first.nextCursor}&limit=2`);
    expect(second.sources[0]?.source).toBe(names[2]);
    expect((await fetch(`${server.url}/api/v1/sources?limit=1001`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/sources?limit=0`)).status).toBe(400);
  });
});
