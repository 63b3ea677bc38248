#!/usr/bin/env node
// A real Playwright scraper instrumented with @scrapewatch/client. It serves its own fixture site,
// scrapes it with the system Chromium, reports navigations, scrapes and the run to Scrapewatch,
// and follows its own metrics live over the stream while it works.
//
//   npm run example                                  (builds the SDK, then runs this)
//   SCRAPEWATCH_URL=http://127.0.0.1:3000 node examples/playwright-scraper/run.mjs
//
// Environment: SCRAPEWATCH_URL (default http://127.0.0.1:3000), SCRAPEWATCH_TOKEN (ingest token),
// SCRAPEWATCH_READ_TOKEN (read token for the stream; defaults to SCRAPEWATCH_TOKEN),
// CHROMIUM_PATH (default /usr/bin/chromium), SOURCE (default example-quotes).
import {
  configure,
  gotoWithRetriesTracked,
  MetricsStream,
  scrapePageTracked,
  trackSchedulerRun,
} from "@scrapewatch/client";
import { chromium } from "playwright-core";
import { startSite } from "./site.mjs";

const baseUrl = process.env.SCRAPEWATCH_URL ?? "http://127.0.0.1:3000";
const token = process.env.SCRAPEWATCH_TOKEN || undefined;
const source = process.env.SOURCE ?? "example-quotes";
const log = (...parts) => console.log("[example]", ...parts);

const recorder = configure({
  baseUrl,
  token,
  closeTimeoutMs: 5000,
  navigationRetry: { baseDelayMs: 500 },
  onError: (error) => log("metrics refused:", error.message),
});
const stream = new MetricsStream({
  baseUrl,
  sources: [source],
  token: process.env.SCRAPEWATCH_READ_TOKEN || token,
  reconnect: { maxAttempts: 2 },
});
stream.on("metrics", (batch) => {
  const summary = batch.metrics.map((m) => {
    const retries = m.type === "navigation" && m.retryCount > 0 ? `(${m.retryCount} retry)` : "";
    return `${m.type}:${m.success ? "ok" : "failed"}:${m.durationMs}ms${retries}`;
  });
  log(`live batch ${batch.id} from ${batch.source}: ${summary.join(" ")}`);
});
stream.on("error", (error) => log("stream:", error.message));
const streaming = stream.connect().then(
  () => true,
  () => false,
);

const site = await startSite();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

let exitCode = 0;
try {
  const trades = await trackSchedulerRun(`${source}-run`, async () => {
    const page = await browser.newPage();
    await gotoWithRetriesTracked(page, `${site.url}/`, { waitUntil: "load" }, 3, source);
    const symbols = await scrapePageTracked(page, `${site.url}/`, source, (p) =>
      p.locator("a.symbol").allTextContents(),
    );
    log(`watchlist: ${symbols.join(", ")}`);
    const all = [];
    for (const symbol of symbols) {
      const url = `${site.url}/quote/${symbol}`;
      await gotoWithRetriesTracked(page, url, { waitUntil: "load", timeout: 10_000 }, 3, source);
      const rows = await scrapePageTracked(page, url, source, (p) =>
        p.locator("tr.trade .price").evaluateAll((cells) => cells.map((cell) => Number(cell.textContent))),
      );
      log(`${symbol}: ${rows.length} trades, last ${rows.at(-1)}`);
      all.push(...rows.map((price) => ({ symbol, price })));
    }
    await page.close();
    return { items: all };
  });
  log(`scraped ${trades.items.length} trades`);
} catch (error) {
  log("scrape failed:", error);
  exitCode = 1;
} finally {
  await browser.close();
  await site.close();
}

await recorder?.close();
log(`metrics sent: ${recorder?.sent ?? 0}, dropped: ${recorder?.dropped ?? 0} (server ${baseUrl})`);
if (await streaming) {
  // Give the server's batcher (1 s) time to deliver the last batch to the stream.
  await new Promise((resolve) => setTimeout(resolve, 1500));
}
stream.close();
process.exitCode = exitCode;
