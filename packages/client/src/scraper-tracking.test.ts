import { chromium, type Browser as PlaywrightBrowser } from "playwright-core";
import puppeteer, { type Browser as PuppeteerBrowser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FixtureSite, QUOTES } from "../test/fixture-site.ts";
import { useTrackingFixture } from "../test/tracking-fixture.ts";
import { configure } from "./defaults.ts";
import {
  countItems,
  gotoWithRetriesTracked,
  scrapePageTracked,
  trackSchedulerRun,
} from "./scraper-tracking.ts";

// The page's DOM, as far as the scrape functions below (run inside the browser) use it.
declare const document: {
  querySelectorAll(
    selector: string,
  ): Iterable<{ getAttribute(name: string): string | null; textContent: string | null }>;
};

const { site, ingest, freshRecorder, adoptRecorder, recorded, unique } = useTrackingFixture();

const scrapeQuotes = (page: { evaluate: (fn: () => unknown) => Promise<unknown> }) =>
  page.evaluate(() =>
    [...document.querySelectorAll("li.quote")].map((li) => ({
      symbol: li.getAttribute("data-symbol"),
      price: Number(li.textContent),
    })),
  );

describe("with Playwright", () => {
  let browser: PlaywrightBrowser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser.close();
  });

  it("records a navigation that succeeds at once, and returns goto's response", async () => {
    const page = await browser.newPage();
    const source = unique("pw-nav");
    const response = await gotoWithRetriesTracked(
      page,
      site.url("/quotes"),
      { waitUntil: "load" },
      3,
      source,
      freshRecorder(),
    );
    expect(response?.status()).toBe(200);
    const [event] = await recorded(source);
    expect(event).toMatchObject({
      type: "navigation",
      url: site.url("/quotes"),
      retryCount: 0,
      success: true,
      error: null,
      statusCode: 200,
      blocked: false,
      blockReason: null,
      bytes: expect.any(Number),
    });
    await page.close();
  });

  it("retries a failing navigation with a growing wait, and records the retries", async () => {
    const page = await browser.newPage();
    const source = unique("pw-retry");
    const url = site.url(`/flaky?key=${source}&fail=2`);
    await gotoWithRetriesTracked(page, url, { timeout: 5000 }, 4, source, freshRecorder());
    const hits = site.hits.get(source) ?? [];
    expect(hits).toHaveLength(3);
    // At least the backoff between attempts: 100 ms, then 200 ms.
    expect((hits[1] ?? 0) - (hits[0] ?? 0)).toBeGreaterThanOrEqual(95);
    expect((hits[2] ?? 0) - (hits[1] ?? 0)).toBeGreaterThanOrEqual(195);
    const events = await recorded(source);
    expect(events).toMatchObject([
      {
        type: "navigation",
        retryCount: 0,
        success: false,
        error: expect.stringContaining("ERR_TOO_MANY_REDIRECTS"),
      },
      { type: "navigation", retryCount: 1, success: false },
      { type: "navigation", retryCount: 2, success: true, statusCode: 200 },
    ]);
    await page.close();
  });

  it("records a navigation that never succeeds and rethrows the browser's error", async () => {
    const page = await browser.newPage();
    const source = unique("pw-fail");
    const url = await FixtureSite.refusedUrl();
    const failure = await gotoWithRetriesTracked(page, url, undefined, 2, source, freshRecorder()).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure.message)).toContain("ERR_CONNECTION_REFUSED");
    const events = await recorded(source);
    expect(events).toMatchObject([
      { type: "navigation", retryCount: 0, success: false, statusCode: null },
      { type: "navigation", retryCount: 1, success: false, statusCode: null },
    ]);
    expect(String(events[1]?.error)).toContain("ERR_CONNECTION_REFUSED");
    await page.close();
  });

  it("records a scrape with its items and data size", async () => {
    const page = await browser.newPage();
    const source = unique("pw-scrape");
    await page.goto(site.url("/quotes"));
    const quotes = await scrapePageTracked(page, site.url("/quotes"), source, scrapeQuotes, freshRecorder());
    expect(quotes).toEqual(QUOTES);
    const [event] = await recorded(source);
    expect(event).toMatchObject({
      type: "scrape",
      itemsExtracted: 3,
      dataSize: Buffer.byteLength(JSON.stringify(QUOTES)),
      success: true,
    });
    await page.close();
  });

  it("records a failed scrape and rethrows the scraper's own error object", async () => {
    const page = await browser.newPage();
    const source = unique("pw-scrape-fail");
    await page.goto(site.url("/quotes"));
    class ParseError extends Error {}
    const thrown = new ParseError("price column missing");
    const failure = await scrapePageTracked(
      page,
      site.url("/quotes"),
      source,
      async (p) => {
        await p.title();
        throw thrown;
      },
      freshRecorder(),
    ).catch((e) => e);
    expect(failure).toBe(thrown);
    const [event] = await recorded(source);
    expect(event).toMatchObject({
      type: "scrape",
      success: false,
      itemsExtracted: 0,
      error: "price column missing",
    });
    await page.close();
  });

  it("measures the page's HTML when the scrape returns nothing", async () => {
    const page = await browser.newPage();
    const source = unique("pw-html");
    await page.goto(site.url("/quotes"));
    await scrapePageTracked(page, site.url("/quotes"), source, async () => undefined, freshRecorder());
    const [event] = await recorded(source);
    expect(event?.dataSize).toBe(Buffer.byteLength(await page.content()));
    expect(event?.itemsExtracted).toBe(0);
    await page.close();
  });
});

describe("with Puppeteer", () => {
  let browser: PuppeteerBrowser;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it("tracks navigation with retries and a scrape", async () => {
    const page = await browser.newPage();
    const source = unique("pp-ok");
    const url = site.url(`/flaky?key=${source}&fail=1`);
    const recorder = freshRecorder();
    const response = await gotoWithRetriesTracked(page, url, { timeout: 5000 }, 3, source, recorder);
    expect(response?.ok()).toBe(true);
    const quotes = await scrapePageTracked(page, url, source, scrapeQuotes, recorder);
    expect(quotes).toEqual(QUOTES);
    const events = await recorded(source);
    expect(events).toMatchObject([
      { type: "navigation", retryCount: 0, success: false },
      { type: "navigation", retryCount: 1, success: true, statusCode: 200 },
      { type: "scrape", itemsExtracted: 3, success: true },
    ]);
    await page.close();
  });

  it("records failures and rethrows them", async () => {
    const page = await browser.newPage();
    const source = unique("pp-fail");
    const url = site.url(`/flaky?key=${source}&fail=99`);
    const recorder = freshRecorder();
    const navFailure = await gotoWithRetriesTracked(page, url, { timeout: 5000 }, 2, source, recorder).catch(
      (e) => e,
    );
    expect(String(navFailure?.message)).toContain("ERR_TOO_MANY_REDIRECTS");
    const thrown = new TypeError("selector changed");
    const scrapeFailure = await scrapePageTracked(
      page,
      url,
      source,
      () => Promise.reject(thrown),
      recorder,
    ).catch((e) => e);
    expect(scrapeFailure).toBe(thrown);
    const events = await recorded(source);
    expect(events).toMatchObject([
      { type: "navigation", retryCount: 0, success: false },
      {
        type: "navigation",
        retryCount: 1,
        success: false,
        error: expect.stringContaining("ERR_TOO_MANY_REDIRECTS"),
      },
      { type: "scrape", success: false, error: "TypeError: selector changed" },
    ]);
    // No page.close(): on a page left on Chromium's error page it sometimes never resolves in
    // Puppeteer; browser.close() in afterAll ends it.
  });
});

describe("trackSchedulerRun", () => {
  it("records a run's items and duration, and a failed run's error", async () => {
    const name = unique("job");
    const recorder = freshRecorder();
    const result = await trackSchedulerRun(name, async () => ({ items: [1, 2, 3, 4] }), recorder);
    expect(result.items).toHaveLength(4);
    const thrown = new Error("upstream down");
    await expect(trackSchedulerRun(name, () => Promise.reject(thrown), recorder)).rejects.toBe(thrown);
    const events = await recorded(name);
    expect(events).toMatchObject([
      { type: "scheduler", state: "started" },
      { type: "scheduler", itemsProcessed: 4, success: true },
      { type: "scheduler", state: "started" },
      { type: "scheduler", itemsProcessed: 0, success: false, error: "upstream down" },
    ]);
    // Each finished event names the run its started event began.
    const runIds = events.map((e) => (e as { runId?: string }).runId);
    expect(runIds[0]).toBeTruthy();
    expect(runIds[1]).toBe(runIds[0]);
    expect(runIds[3]).toBe(runIds[2]);
    expect(runIds[2]).not.toBe(runIds[0]);
  });

  it("uses the default recorder set by configure()", async () => {
    const name = unique("job-default");
    const configured = configure({ baseUrl: ingest.baseUrl, flushOnExit: false });
    if (!configured) throw new Error("configure returned no recorder");
    adoptRecorder(configured);
    await trackSchedulerRun(name, () => 7);
    const events = await recorded(name);
    expect(events).toMatchObject([
      { type: "scheduler", state: "started" },
      { type: "scheduler", itemsProcessed: 7, success: true },
    ]);
  });
});

describe("countItems", () => {
  it("reads arrays, items and counts", () => {
    expect(countItems([1, 2])).toBe(2);
    expect(countItems({ items: ["a"] })).toBe(1);
    expect(countItems({ items: 12 })).toBe(12);
    expect(countItems({ itemsProcessed: 5 })).toBe(5);
    expect(countItems(undefined)).toBe(0);
    expect(countItems({ title: "x" })).toBe(1);
    expect(countItems(42)).toBe(42);
    expect(countItems("text")).toBe(1);
  });
});
