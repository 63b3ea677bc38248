// instrumentCrawler: reports what a Crawlee crawler does, through its own hooks and handlers
// (no fork, no patched prototypes): each navigation with its status, duration, retry count, block
// and proxy; each request handler run as a scrape with the items it pushed; each run() as a
// scheduler run, started then finished.
import { randomUUID } from "node:crypto";
import { defaultRecorder } from "../defaults.ts";
import type { MetricsRecorder } from "../recorder.ts";
import { bytesOf, statusOf } from "../response-health.ts";
import { describeError } from "../scraper-tracking.ts";
import type {
  CrawleeContext,
  CrawleeResponse,
  CrawlerInternals,
  ErrorHandler,
  Handler,
  InstrumentableCrawler,
} from "./crawler-shape.ts";

export interface InstrumentCrawlerOptions {
  /** Source name of the scraper's events and of its runs (1-50 of A-Z a-z 0-9 . _ -). */
  source: string;
  /** Where to report; the default recorder (configure() or SCRAPEWATCH_URL) when absent. */
  recorder?: MetricsRecorder | null;
}

/** Crawlee's own default (`BLOCKED_STATUS_CODES`), used when its session pool names none. */
const CRAWLEE_BLOCKED_STATUS_CODES = [401, 403, 429];

/** One attempt at one request, from its pre-navigation hook to its handler or error handler. */
interface Attempt {
  started: number;
  navigationMs?: number;
  statusCode: number | null;
  bytes: number | null;
  navigationRecorded: boolean;
  handlerStarted?: number;
  scrapeRecorded: boolean;
  items: number;
  dataSize: number;
}

/** Instruments `crawler` in place and returns it. Call it once, before `crawler.run()`. */
export function instrumentCrawler<C extends InstrumentableCrawler>(
  crawler: C,
  options: InstrumentCrawlerOptions,
): C {
  const internals = crawler as unknown as CrawlerInternals;
  const { source } = options;
  const recorder = () => (options.recorder === undefined ? defaultRecorder() : options.recorder);
  const attempts = new WeakMap<CrawleeContext, Attempt>();
  const blockedCodes = () => {
    const own = internals.sessionPool?.blockedStatusCodes;
    return own && own.length > 0 ? own : CRAWLEE_BLOCKED_STATUS_CODES;
  };

  const recordNavigation = (context: CrawleeContext, attempt: Attempt, error: Error | null) => {
    if (attempt.navigationRecorded) return;
    attempt.navigationRecorded = true;
    const { statusCode } = attempt;
    const blockedByStatus = statusCode !== null && blockedCodes().includes(statusCode);
    // Crawlee throws a SessionError when it retires the session over what a navigation got. The
    // session's state itself says nothing about this navigation: concurrent requests share it,
    // and another one may have retired it meanwhile.
    const blockedBySession = error?.name === "SessionError" && attempt.navigationMs !== undefined;
    const blockReason = blockedByStatus ? `http_${statusCode}` : blockedBySession ? "session_retired" : null;
    recorder()?.recordPageNavigation(source, {
      url: context.request.url,
      durationMs: attempt.navigationMs ?? performance.now() - attempt.started,
      retryCount: context.request.retryCount,
      success: error === null && blockReason === null,
      error: error ? describeError(error) : blockReason ? `blocked: ${blockReason}` : null,
      statusCode,
      blocked: blockReason !== null,
      blockReason,
      bytes: attempt.bytes,
      proxy: context.proxyInfo?.url ?? null,
    });
  };

  const recordScrape = (context: CrawleeContext, attempt: Attempt, error: Error | null) => {
    if (attempt.handlerStarted === undefined || attempt.scrapeRecorded) return;
    attempt.scrapeRecorded = true;
    recorder()?.recordPageScrape(source, {
      url: context.request.loadedUrl ?? context.request.url,
      durationMs: performance.now() - attempt.handlerStarted,
      itemsExtracted: attempt.items,
      dataSize: attempt.dataSize,
      success: error === null,
      error: error ? describeError(error) : null,
      proxy: context.proxyInfo?.url ?? null,
    });
  };

  const attemptOf = (context: CrawleeContext): Attempt => {
    let attempt = attempts.get(context);
    if (!attempt) {
      // A request that skipped navigation (request.skipNavigation) reaches its handler directly.
      attempt = newAttempt();
      attempt.navigationRecorded = true;
      attempts.set(context, attempt);
    }
    return attempt;
  };

  internals.preNavigationHooks = [
    (context) => void attempts.set(context, newAttempt()),
    ...(internals.preNavigationHooks ?? []),
  ];
  internals.postNavigationHooks = [
    async (context) => {
      const attempt = attemptOf(context);
      attempt.navigationMs = performance.now() - attempt.started;
      attempt.statusCode = statusOf(context.response);
      attempt.bytes = await sizeOf(context.response);
    },
    ...(internals.postNavigationHooks ?? []),
  ];

  const handlerKey =
    "userProvidedRequestHandler" in internals ? "userProvidedRequestHandler" : "requestHandler";
  const handler = internals[handlerKey];
  if (handler) {
    const wrapped: Handler = async (context) => {
      const attempt = attemptOf(context);
      recordNavigation(context, attempt, null);
      countPushes(context, attempt);
      attempt.handlerStarted = performance.now();
      try {
        const result = await handler(context);
        recordScrape(context, attempt, null);
        return result;
      } catch (error) {
        recordScrape(context, attempt, asError(error));
        throw error;
      }
    };
    internals[handlerKey] = wrapped;
  }

  // Called for a failed attempt (errorHandler, before a retry) and for the last one.
  const onFailure =
    (original: ErrorHandler | undefined): ErrorHandler =>
    (context, error) => {
      const attempt = attempts.get(context);
      if (attempt) {
        recordNavigation(context, attempt, attempt.handlerStarted === undefined ? error : null);
        // A handler that timed out is still running: its scrape is recorded as failed now.
        recordScrape(context, attempt, error);
      }
      return original?.(context, error);
    };
  internals.errorHandler = onFailure(internals.errorHandler);
  internals.failedRequestHandler = onFailure(internals.failedRequestHandler);

  const run = internals.run.bind(crawler);
  internals.run = async (...args) => {
    const runId = randomUUID();
    recorder()?.recordSchedulerStart(source, runId);
    const started = performance.now();
    try {
      const statistics = await run(...args);
      recorder()?.recordSchedulerRun(source, {
        runId,
        durationMs: performance.now() - started,
        itemsProcessed: statistics.requestsFinished + statistics.requestsFailed,
        success: true,
      });
      return statistics;
    } catch (error) {
      const durationMs = performance.now() - started;
      recorder()?.recordSchedulerRun(source, {
        runId,
        durationMs,
        success: false,
        error: describeError(error),
      });
      throw error;
    }
  };
  return crawler;
}

function newAttempt(): Attempt {
  return {
    started: performance.now(),
    statusCode: null,
    bytes: null,
    navigationRecorded: false,
    scrapeRecorded: false,
    items: 0,
    dataSize: 0,
  };
}

/** Counts what the handler pushes through `context.pushData` (an array is that many items). */
function countPushes(context: CrawleeContext, attempt: Attempt): void {
  const push = context.pushData;
  if (!push) return;
  context.pushData = (data, ...rest) => {
    attempt.items += Array.isArray(data) ? data.length : 1;
    attempt.dataSize += jsonBytes(data);
    return push(data, ...rest);
  };
}

async function sizeOf(response: CrawleeResponse | undefined): Promise<number | null> {
  if (!response) return null;
  if (typeof response.headers === "function") return bytesOf(response);
  const length = Number(response.headers?.["content-length"]);
  return Number.isInteger(length) && length >= 0 ? length : null;
}

const encoder = new TextEncoder();

function jsonBytes(data: unknown): number {
  try {
    return encoder.encode(JSON.stringify(data) ?? "").length;
  } catch {
    return 0;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
