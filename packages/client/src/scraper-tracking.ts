// Wrappers that time a scraper's navigations, page scrapes and scheduled runs and report them.
// They work with any page that has `goto(url, options)` (Playwright, Puppeteer), and hand the
// scraper's own result back, or its own error, unchanged.
import { backoffDelay } from "./backoff.ts";
import { defaultRecorder, navigationRetryPolicy } from "./defaults.ts";
import type { MetricsRecorder } from "./recorder.ts";
import {
  BLOCKED_STATUS_CODES,
  bytesOf,
  NavigationBlockedError,
  statusOf,
  verdictReason,
} from "./response-health.ts";

/** The part of a Playwright or Puppeteer page the wrappers use. */
export interface TrackablePage {
  // Method syntax on purpose: it lets each library's own options type stand in for `unknown`.
  goto(url: string, options?: unknown): Promise<unknown>;
  content?(): Promise<string>;
}

/** The options of this page's `goto` (Playwright's or Puppeteer's). */
export type GotoOptions<P extends TrackablePage> = Parameters<P["goto"]>[1];

/** What this page's `goto` resolves to (a response, or null for a same-document navigation). */
export type GotoResult<P extends TrackablePage> = Awaited<ReturnType<P["goto"]>>;

/** The SDK's own navigation options; they are taken out before the rest goes to `page.goto`. */
export interface NavigationTracking<P extends TrackablePage> {
  /**
   * Your own block check, for blocks a status code does not show (a captcha or "access denied"
   * page answered 200): return true, or a reason such as `"captcha"`, when the page is one.
   */
  isBlocked?: (
    response: NonNullable<GotoResult<P>>,
    page: P,
  ) => boolean | string | null | undefined | Promise<boolean | string | null | undefined>;
  /** The proxy this page goes through: a label, or its URL (only host:port is sent). */
  proxy?: string;
}

export type TrackedGotoOptions<P extends TrackablePage> = NonNullable<GotoOptions<P>> & NavigationTracking<P>;

/**
 * `page.goto(url, options)`, tried up to `maxAttempts` times with a growing wait between
 * attempts. Each attempt is recorded as a navigation with its status code, size and proxy. An
 * attempt answered 403, 429 or 503, or that `options.isBlocked` calls blocked, is recorded as
 * blocked and failed, and is retried. Returns the first unblocked response; throws the last
 * attempt's error unchanged, or a NavigationBlockedError when the last attempt was blocked.
 */
export async function gotoWithRetriesTracked<P extends TrackablePage>(
  page: P,
  url: string,
  options: TrackedGotoOptions<P> | undefined,
  maxAttempts: number,
  source: string,
  recorder?: MetricsRecorder | null,
): Promise<GotoResult<P>> {
  const attempts = Math.max(1, Math.floor(maxAttempts) || 1);
  const target = recorder === undefined ? defaultRecorder() : recorder;
  const { isBlocked, proxy, ...rest } = options ?? {};
  const gotoOptions = options === undefined ? undefined : rest;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(navigationRetryPolicy(), attempt - 1));
    const attemptOf = { url, retryCount: attempt, proxy: proxy ?? null };
    const started = performance.now();
    let response: GotoResult<P>;
    try {
      response = (await page.goto(url, gotoOptions)) as GotoResult<P>;
    } catch (error) {
      const durationMs = performance.now() - started;
      target?.recordPageNavigation(source, {
        ...attemptOf,
        durationMs,
        success: false,
        error: describeError(error),
      });
      lastError = error;
      continue;
    }
    const durationMs = performance.now() - started;
    const statusCode = statusOf(response);
    const reason = await blockReason(response, statusCode, page, isBlocked);
    target?.recordPageNavigation(source, {
      ...attemptOf,
      durationMs,
      success: reason === null,
      error: reason === null ? null : `blocked: ${reason}`,
      statusCode,
      blocked: reason !== null,
      blockReason: reason,
      bytes: target ? await bytesOf(response) : null,
    });
    if (reason === null) return response;
    lastError = new NavigationBlockedError(url, statusCode, reason, response);
  }
  throw lastError;
}

async function blockReason<P extends TrackablePage>(
  response: GotoResult<P>,
  statusCode: number | null,
  page: P,
  isBlocked: NavigationTracking<P>["isBlocked"],
): Promise<string | null> {
  if (statusCode !== null && BLOCKED_STATUS_CODES.includes(statusCode)) return `http_${statusCode}`;
  if (!isBlocked || response === null || response === undefined) return null;
  return verdictReason(await isBlocked(response as NonNullable<GotoResult<P>>, page));
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

/**
 * Runs a scheduled job and records it: `started` when it begins (so a hung run is noticed), then
 * its duration, items processed (as for scrapes) and outcome, under one runId.
 */
export async function trackSchedulerRun<T>(
  name: string,
  run: () => T | Promise<T>,
  recorder?: MetricsRecorder | null,
): Promise<T> {
  const target = recorder === undefined ? defaultRecorder() : recorder;
  // Web Crypto, not node:crypto: the SDK's entry point also loads in browsers (the dashboard).
  const runId = globalThis.crypto.randomUUID();
  target?.recordSchedulerStart(name, runId);
  const started = performance.now();
  try {
    const result = await run();
    const durationMs = performance.now() - started;
    target?.recordSchedulerRun(name, {
      durationMs,
      itemsProcessed: countItems(result),
      success: true,
      runId,
    });
    return result;
  } catch (error) {
    const durationMs = performance.now() - started;
    target?.recordSchedulerRun(name, { durationMs, success: false, error: describeError(error), runId });
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

/** An error as one line of text: `Name: message`, or just the message of a plain Error. */
export function describeError(error: unknown): string {
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
