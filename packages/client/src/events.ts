// Turns what a scraper reports into events the server accepts: the checks the server would make
// are made here first, so that one bad value does not cost the rest of its batch a 400.
import { type NavigationHealth, navigationHealthFields, proxyField } from "./health.ts";
import {
  MAX_DURATION_MS,
  MAX_ERROR_LENGTH,
  MAX_URL_LENGTH,
  type MetricEvent,
  type NavigationRecord,
  type SchedulerRunRecord,
  type ScrapeRecord,
} from "./types.ts";

const SCRAPER_SOURCE = /^[A-Za-z0-9._-]{1,50}$/;
const SCHEDULER_SOURCE = /^[A-Za-z0-9._-]{1,100}$/;

/** Thrown (and reported through `onError`) for a record the server would refuse. */
export class InvalidRecordError extends Error {
  override readonly name = "InvalidRecordError";
}

export function navigationEvent(
  source: string,
  record: NavigationRecord & NavigationHealth,
  now = new Date(),
): MetricEvent {
  checkSource(source, SCRAPER_SOURCE, 50);
  return {
    type: "navigation",
    source,
    timestamp: now.toISOString(),
    url: checkUrl(record.url),
    durationMs: duration(record.durationMs),
    retryCount: count(record.retryCount, "retryCount"),
    success: Boolean(record.success),
    error: errorText(record.error),
    ...navigationHealthFields(record),
  };
}

export function scrapeEvent(
  source: string,
  record: ScrapeRecord & { proxy?: string | null },
  now = new Date(),
): MetricEvent {
  checkSource(source, SCRAPER_SOURCE, 50);
  return {
    type: "scrape",
    source,
    timestamp: now.toISOString(),
    url: checkUrl(record.url),
    durationMs: duration(record.durationMs),
    itemsExtracted: count(record.itemsExtracted, "itemsExtracted"),
    dataSize: count(record.dataSize, "dataSize"),
    success: Boolean(record.success),
    error: errorText(record.error),
    ...(record.proxy === undefined ? {} : { proxy: proxyField(record.proxy) }),
  };
}

export function schedulerEvent(name: string, record: SchedulerRunRecord, now = new Date()): MetricEvent {
  checkSource(name, SCHEDULER_SOURCE, 100);
  return {
    type: "scheduler",
    source: name,
    timestamp: now.toISOString(),
    durationMs: duration(record.durationMs),
    itemsProcessed: count(record.itemsProcessed, "itemsProcessed"),
    success: Boolean(record.success),
    error: errorText(record.error),
    ...(record.runId === undefined ? {} : { runId: runIdText(record.runId) }),
  };
}

/** The start of a run: the server tracks it until the finished event with the same runId. */
export function schedulerStartEvent(name: string, runId: string, now = new Date()): MetricEvent {
  checkSource(name, SCHEDULER_SOURCE, 100);
  return {
    type: "scheduler",
    source: name,
    timestamp: now.toISOString(),
    state: "started",
    runId: runIdText(runId),
  };
}

function runIdText(runId: string): string {
  if (typeof runId !== "string" || runId.length < 1 || runId.length > 100) {
    throw new InvalidRecordError("runId must be 1-100 characters");
  }
  return runId;
}

function checkSource(source: string, pattern: RegExp, max: number): void {
  if (typeof source !== "string" || !pattern.test(source)) {
    throw new InvalidRecordError(
      `source ${JSON.stringify(source)} must be 1-${max} characters of A-Z a-z 0-9 . _ -`,
    );
  }
}

function checkUrl(url: string): string {
  if (typeof url !== "string" || url.length === 0 || url.length > MAX_URL_LENGTH) {
    throw new InvalidRecordError(`url must be a string of 1-${MAX_URL_LENGTH} characters`);
  }
  return url;
}

// Timers give fractions (performance.now()); the server wants whole milliseconds below 24 h.
function duration(value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidRecordError(`durationMs must be a non-negative number, got ${String(value)}`);
  }
  return Math.min(MAX_DURATION_MS, Math.round(value));
}

function count(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidRecordError(`${field} must be a non-negative number, got ${String(value)}`);
  }
  return Math.round(value);
}

function errorText(error: string | null | undefined): string | null {
  if (error === undefined || error === null) return null;
  const text = String(error);
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) : text;
}
