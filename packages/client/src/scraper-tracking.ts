// Wrappers that time a scraper's navigations, page scrapes and scheduled runs and report them.
// They work with any page that has `goto(url, options)` (Playwright, Puppeteer), and hand the
// scraper's own result back, or its own error, unchanged.
import { backoffDelay } from "./backoff.ts";
import { defaultRecorder, navigationRetryPolicy } from "./defaults.ts";
import type { MetricsRecorder } from "./recorder.ts";

/** The part of a Playwright or Puppeteer page the wrappers use. */
export interface TrackablePage {
  // Method syntax on purpose: it lets each library's own options type stand in for `unknown`.
  goto(url: string, options?: unknown): Promise<unknown>;
  content?(): Promise<string>;
}

/** The options of this page's `goto` (Playwright's or Puppeteer's). */
export type GotoOptions<P extends TrackablePage> = Parameters<P["goto"]>[1];

/**
 * `page.goto(url, options)`, tried up to `maxAttempts` times with a growing wait between
 * attempts. Records one navigation: the time spent in goto over all attempts, the retries used,
 * success and the last error. Throws the last attempt's error unchanged.
 */
export async function gotoWithRetriesTracked<P extends TrackablePage>(
  page: P,
  url: string,
  options: GotoOptions<P>,
  maxAttempts: number,
  source: string,
  recorder?: MetricsRecorder | null,
): Promise<Awaited<ReturnType<P["goto"]>>> {
  const attempts = Math.max(1, Math.floor(maxAttempts) || 1);
  const target = recorder === undefined ? defaultRecorder() : recorder;
  let spentMs = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(navigationRetryPolicy(), attempt - 1));
    const started = performance.now();
    try {
      const response = (await page.goto(url, options)) as Awaited<ReturnType<P["goto"]>>;
      spentMs += performance.now() - started;
      target?.recordPageNavigation(source, { url, durationMs: spentMs, retryCount: attempt, success: true });
      return response;
    } catch (error) {
      spentMs += performance.now() - started;
      lastError = error;
    }
  }
  target?.recordPageNavigation(source, {
    url,
    durationMs: spentMs,
    retryCount: attempts - 1,
    success: false,
    error: describeError(lastError),
  });
  throw lastError;
}

/**
 * Runs `scrape(page)` and records a scrape: its duration, the items in its result (an array's
 * length, a number itself, `items` of an object, 1 for any other value), and the data size (bytes of the result
 * as JSON, or of the page's HTML when the result is empty).
 */
export async function scrapePageTracked<P extends TrackablePage, T>(
  page: P,
  url: string,
  source: string,
  scrape: (page: P) => T | Promise<T>,
  recorder?: MetricsRecorder | null,
): Promise<T> {
  const target = recorder === undefined ? defaultRecorder() : recorder;
  const started = performance.now();
  try {
    const result = await scrape(page);
    const durationMs = performance.now() - started;
    if (target) {
      const dataSize = await dataSizeOf(result, page);
      target.recordPageScrape(source, {
        url,
        durationMs,
        itemsExtracted: countItems(result),
        dataSize,
        success: true,
      });
    }
    return result;
  } catch (error) {
    const durationMs = performance.now() - started;
    target?.recordPageScrape(source, { url, durationMs, success: false, error: describeError(error) });
    throw error;
  }
}

/** Runs a scheduled job and records its duration, items processed (as for scrapes) and outcome. */
export async function trackSchedulerRun<T>(
  name: string,
  run: () => T | Promise<T>,
  recorder?: MetricsRecorder | null,
): Promise<T> {
  const target = recorder === undefined ? defaultRecorder() : recorder;
  const started = performance.now();
  try {
    const result = await run();
    const durationMs = performance.now() - started;
    target?.recordSchedulerRun(name, { durationMs, itemsProcessed: countItems(result), success: true });
    return result;
  } catch (error) {
    const durationMs = performance.now() - started;
    target?.recordSchedulerRun(name, { durationMs, success: false, error: describeError(error) });
    throw error;
  }
}

export function countItems(result: unknown): number {
  if (result === undefined || result === null) return 0;
  if (Array.isArray(result)) return result.length;
  if (typeof result === "number") return Number.isFinite(result) && result >= 0 ? Math.round(result) : 0;
  if (typeof result === "object") {
    const { items, itemsExtracted, itemsProcessed } = result as Record<string, unknown>;
    if (Array.isArray(items)) return items.length;
    for (const value of [items, itemsExtracted, itemsProcessed]) {
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) return Math.round(value);
    }
  }
  return 1;
}

async function dataSizeOf(result: unknown, page: TrackablePage): Promise<number> {
  try {
    if (result !== undefined && result !== null) {
      const json = JSON.stringify(result);
      if (json !== undefined) return utf8Bytes(json);
    }
    return page.content ? utf8Bytes(await page.content()) : 0;
  } catch {
    // A circular result or a closed page: the size is unknown, not an error of the scraper.
    return 0;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error)
    return error.name === "Error" ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
