#!/usr/bin/env node
// A Crawlee crawler reporting to Scrapewatch through instrumentCrawler: every navigation (status,
// blocks, retries), every page handled (items pushed) and the crawl as a run. It crawls its own
// small shop, which bans one product page (403) and rate-limits another once (429).
//
//   npm run example:crawlee                               (builds the SDK, then runs this)
//   CRAWLER=cheerio node examples/crawlee-scraper/run.mjs  (plain HTTP instead of Chromium)
//
// Environment: SCRAPEWATCH_URL (default http://127.0.0.1:3000), SCRAPEWATCH_TOKEN (ingest token),
// CHROMIUM_PATH (default /usr/bin/chromium), CRAWLER (playwright | cheerio), SOURCE.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configure } from "@scrapewatch/client";
import { instrumentCrawler } from "@scrapewatch/client/crawlee";
import { startSite } from "./site.mjs";

// Crawlee keeps its queue and dataset on disk; the example leaves nothing behind.
const storage = mkdtempSync(join(tmpdir(), "scrapewatch-crawlee-example-"));
process.env.CRAWLEE_STORAGE_DIR ??= storage;
const { CheerioCrawler, PlaywrightCrawler, Dataset } = await import("crawlee");

const kind = process.env.CRAWLER === "cheerio" ? "cheerio" : "playwright";
const source = process.env.SOURCE ?? `example-crawlee-${kind}`;
const log = (...parts) => console.log("[crawlee example]", ...parts);

const recorder = configure({
  baseUrl: process.env.SCRAPEWATCH_URL ?? "http://127.0.0.1:3000",
  token: process.env.SCRAPEWATCH_TOKEN || undefined,
  closeTimeoutMs: 5000,
  onError: (error) => log("metrics refused:", error.message),
});

const shared = { maxRequestRetries: 2, maxConcurrency: 2 };
const crawler =
  kind === "cheerio"
    ? new CheerioCrawler({
        ...shared,
        async requestHandler({ request, $, enqueueLinks, pushData }) {
          if (new URL(request.url).pathname === "/") await enqueueLinks({ selector: "a.product" });
          else await pushData({ name: $("h1").text(), price: Number($(".price").text()) });
        },
      })
    : new PlaywrightCrawler({
        ...shared,
        headless: true,
        // The system Chromium; Crawlee never downloads a browser here.
        launchContext: {
          launchOptions: {
            executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
            args: [
              "--no-sandbox",
              "--disable-gpu",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
            ],
          },
        },
        async requestHandler({ request, page, enqueueLinks, pushData }) {
          if (new URL(request.url).pathname === "/") await enqueueLinks({ selector: "a.product" });
          else
            await pushData({
              name: await page.locator("h1").innerText(),
              price: Number(await page.locator(".price").innerText()),
            });
        },
      });

instrumentCrawler(crawler, { source });

const site = await startSite();
try {
  const stats = await crawler.run([`${site.url}/`]);
  const { items } = await Dataset.getData();
  log(
    `${kind}: ${stats.requestsFinished} pages handled, ${stats.requestsFailed} failed, ${items.length} products:`,
  );
  for (const item of items) log(`  ${item.name}: ${item.price}`);
  log(
    `see them at ${process.env.SCRAPEWATCH_URL ?? "http://127.0.0.1:3000"}/api/v1/metrics?source=${source}`,
  );
} finally {
  await recorder?.close();
  await site.close();
  rmSync(storage, { recursive: true, force: true });
}
