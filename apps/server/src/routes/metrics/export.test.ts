import type { StoredEvent } from "@scrapewatch/db";
import { positionKey } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";
import { csvField } from "./export.ts";

const ROWS = 50_000;

describe.each(["sqlite", "mysql"] as const)("GET /api/v1/metrics/export on %s", (dialect) => {
  let server: TestServer;
  let reads: number[];
  const source = uniqueSource();
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    const base = Date.now() - 3_600_000;
    const events: StoredEvent[] = Array.from({ length: ROWS }, (_, i) => ({
      metric: {
        id: `E${String(i).padStart(10, "0")}${source.slice(-8)}`.padEnd(26, "0").slice(0, 26),
        type: "scrape",
        source,
        timestamp: new Date(base + i).toISOString(),
        url: `https://a.test/p?q=${i}`,
        durationMs: i % 5000,
        itemsExtracted: i % 50,
        dataSize: 100,
        success: i % 7 !== 0,
        error: i % 7 === 0 ? 'timeout, "slow"\nretry' : null,
      },
      position: positionKey({ ms: base + Math.floor(i / 100), seq: 0, index: i % 100 }),
    }));
    for (let i = 0; i < events.length; i += 10_000)
      await server.services.store.insert(events.slice(i, i + 10_000));
    // Count the store's page reads: the export must read in pages, as the client consumes.
    reads = [];
    const store = server.services.store;
    const read = store.read.bind(store);
    store.read = (query) => {
      reads.push(query.limit);
      return read(query);
    };
  }, 120_000);
  afterAll(async () => server.stop());

  it("streams every row once as NDJSON, read page by page", async () => {
    reads.length = 0;
    const response = await fetch(`${server.url}/api/v1/metrics/export?format=ndjson&source=${source}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const text = await response.text();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(ROWS);
    const ids = new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id));
    expect(ids.size).toBe(ROWS);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ type: "scrape", source, itemsExtracted: 0 });
    expect(Math.max(...reads)).toBeLessThanOrEqual(1000);
    expect(reads.length).toBeGreaterThanOrEqual(ROWS / 1000);
  });

  it("writes CSV with a header and quoted fields", async () => {
    const response = await fetch(`${server.url}/api/v1/metrics/export?format=csv&source=${source}`);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const text = await response.text();
    expect(text.startsWith("cursor,id,type,source,timestamp,url,durationMs")).toBe(true);
    // Quoted newlines inside error fields: one record per row plus the header.
    const records = text.split(/\n(?=\d+-\d+-\d+,)/);
    expect(records).toHaveLength(ROWS + 1);
    expect(text).toContain('"timeout, ""slow""\nretry"');
  });

  it("reads no further than the client has taken (backpressure)", async () => {
    reads.length = 0;
    const response = await fetch(`${server.url}/api/v1/metrics/export?format=ndjson&source=${source}`);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    await reader.read();
    const heapBefore = process.memoryUsage().heapUsed;
    // The server may fill the socket buffers (a few MB on loopback), then it must stop reading:
    // wait until its page reads have stood still for a while; without backpressure they would
    // run on to the end.
    let last = -1;
    let still = 0;
    const deadline = Date.now() + 20_000;
    while (still < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      still = reads.length === last ? still + 1 : 0;
      last = reads.length;
    }
    expect(reads.length).toBeLessThan(ROWS / 1000);
    let rows = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const byte of value) if (byte === 10) rows += 1;
    }
    expect(rows).toBeGreaterThan(ROWS - 1000);
    expect(reads.length).toBeGreaterThanOrEqual(ROWS / 1000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it("answers 400 for an unknown format", async () => {
    const response = await fetch(`${server.url}/api/v1/metrics/export?format=xml`);
    expect(response.status).toBe(400);
  });
});

describe("CSV export of untrusted text", () => {
  it("prefixes cells a spreadsheet would run as a formula with an apostrophe", () => {
    expect(csvField('=HYPERLINK("http://x.test")')).toBe('"\'=HYPERLINK(""http://x.test"")"');
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("'\tcmd");
    expect(csvField("\rcmd")).toBe('"\'\rcmd"');
    expect(csvField("https://a.test/x=1")).toBe("https://a.test/x=1");
    expect(csvField(-5)).toBe("-5");
    expect(csvField(null)).toBe("");
  });

  it("exports a scraper's formula-like error text inert", async () => {
    const server = await startTestServer();
    try {
      const source = uniqueSource("csv");
      const response = await server.ingest([
        navigationEvent(source, { success: false, error: "=cmd|' /C calc'!A0" }),
      ]);
      expect(response.status).toBe(202);
      await eventually(
        () => server.services.store.count([source]),
        (n) => n === 1,
      );
      const csv = await (
        await fetch(`${server.url}/api/v1/metrics/export?format=csv&source=${source}`)
      ).text();
      const row = csv.trim().split("\n")[1] ?? "";
      expect(row).toContain(",'=cmd|' /C calc'!A0");
      expect(row).not.toMatch(/,=/);
    } finally {
      await server.stop();
    }
  });
});
