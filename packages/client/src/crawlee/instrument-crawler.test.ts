// instrumentCrawler on real crawlers: a PlaywrightCrawler in the system Chromium and a
// CheerioCrawler over plain HTTP crawl a local shop (items, a ban, a rate limit) and report to
// a real ingest server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheerioCrawler, Configuration, log, PlaywrightCrawler } from "crawlee";
import { chromium } from "playwright";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../test/fixture-site.ts";
import { IngestServer, type ReceivedEvent } from "../../test/ingest-server.ts";
import { ShopSite } from "../../test/shop-site.ts";
import { MetricsRecorder } from "../recorder.ts";
import { instrumentCrawler } from "./instrument-crawler.ts";

let site: ShopSite;
let ingest: IngestServer;
let storage: string;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

beforeAll(async () => {
  storage = mkdtempSync(join(tmpdir(), "scrapewatch-crawlee-"));
  process.env.CRAWLEE_STORAGE_DIR = storage;
  log.setLevel(log.LEVELS.OFF);
  site = await new ShopSite().start();
  ingest = await new IngestServer().start();
});
afterAll(async () => {
  await site.stop();
  await ingest.stop();
  rmSync(storage, { recursive: true, force: true });
});
beforeEach(() => site.reset());

/** A configuration of its own per crawler: its own queue and dataset, kept in memory. */
const isolated = () => new Configuration({ persistStorage: false, purgeOnStart: true });

async function eventsOf(recorder: MetricsRecorder, source: string): Promise<ReceivedEvent[]> {
  await recorder.flush();
  await recorder.close();
  return ingest.events.filter((event) => event.source === source);
}

function expectShopCrawl(events: ReceivedEvent[]) {
  const navigations = events.filter((e) => e.type === "navigation");
  const byPath = (path: string) => navigations.filter((e) => e.url === site.url(path));
  expect(byPath("/shop")).toMatchObject([{ statusCode: 200, success: true, blocked: false, retryCount: 0 }]);
  expect(byPath("/item/1")).toMatchObject([{ statusCode: 200, success: true }]);
  // Banned on both attempts (maxRequestRetries 1): blocked by Crawlee's blocked status codes.
  expect(byPath("/banned")).toMatchObject([
    { statusCode: 403, blocked: true, blockReason: "http_403", success: false, retryCount: 0 },
    { statusCode: 403, blocked: true, blockReason: "http_403", success: false, retryCount: 1 },
  ]);
  expect(byPath("/limited")).toMatchObject([
    { statusCode: 429, blocked: true, blockReason: "http_429", success: false, retryCount: 0 },
    { statusCode: 200, blocked: false, success: true, retryCount: 1 },
  ]);
  for (const navigation of navigations) expect(navigation.durationMs).toEqual(expect.any(Number));

  const scrapes = events.filter((e) => e.type === "scrape");
  expect(scrapes).toHaveLength(4); // the shop, two items and the limited page once it answered
  expect(scrapes.find((e) => e.url === site.url("/shop"))).toMatchObject({
    itemsExtracted: 0,
    success: true,
  });
  expect(scrapes.find((e) => e.url === site.url("/item/2"))).toMatchObject({
    itemsExtracted: 1,
    dataSize: Buffer.byteLength(JSON.stringify({ title: "Item 2" })),
    success: true,
  });

  const runs = events.filter((e) => e.type === "scheduler");
  expect(runs).toMatchObject([
    { state: "started", runId: expect.any(String) },
    { runId: runs[0]?.runId, success: true, itemsProcessed: 5 },
  ]);
}

describe("instrumentCrawler", () => {
  it("reports a PlaywrightCrawler's navigations, scrapes, items and run", async () => {
    const source = unique("crawlee-pw");
    const recorder = new MetricsRecorder({ baseUrl: ingest.baseUrl, flushOnExit: false });
    const crawler = new PlaywrightCrawler(
      {
        maxRequestRetries: 1,
        maxConcurrency: 2,
        headless: true,
        launchContext: {
          launcher: chromium,
          launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
        },
        browserPoolOptions: { useFingerprints: false },
        async requestHandler({ page, request, enqueueLinks, pushData }) {
          if (request.url.endsWith("/shop")) await enqueueLinks();
          else await pushData({ title: await page.locator("h1").innerText() });
        },
      },
      isolated(),
    );
    const returned = instrumentCrawler(crawler, { source, recorder });
    expect(returned).toBe(crawler);
    await crawler.run([site.url("/shop")]);
    expectShopCrawl(await eventsOf(recorder, source));
  }, 120_000);

  it("reports a CheerioCrawler's navigations, scrapes, items and run", async () => {
    const source = unique("crawlee-cheerio");
    const recorder = new MetricsRecorder({ baseUrl: ingest.baseUrl, flushOnExit: false });
    const crawler = new CheerioCrawler(
      {
        maxRequestRetries: 1,
        async requestHandler({ $, request, enqueueLinks, pushData }) {
          if (request.url.endsWith("/shop")) await enqueueLinks();
          else await pushData({ title: $("h1").text() });
        },
      },
      isolated(),
    );
    instrumentCrawler(crawler, { source, recorder });
    await crawler.run([site.url("/shop")]);
    expectShopCrawl(await eventsOf(recorder, source));
  }, 60_000);
});
