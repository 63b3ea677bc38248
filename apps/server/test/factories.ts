// Unique event data for server tests.
import { randomBytes } from "node:crypto";
import type { StoredEvent } from "@scrapewatch/db";
import { positionKey } from "@scrapewatch/protocol";
import { EventIdGenerator } from "../src/pipeline/event-ids.ts";

export function uniqueSource(prefix = "scraper"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export function navigationEvent(source: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "navigation",
    source,
    url: "https://example.test/",
    durationMs: 250,
    success: true,
    ...overrides,
  };
}

export function scrapeEvent(source: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "scrape",
    source,
    url: "https://example.test/list",
    durationMs: 900,
    itemsExtracted: 12,
    dataSize: 2048,
    success: true,
    ...overrides,
  };
}

export function schedulerEvent(source: string, overrides: Record<string, unknown> = {}) {
  return { type: "scheduler", source, durationMs: 60_000, itemsProcessed: 40, success: true, ...overrides };
}

const storedIds = new EventIdGenerator();
let storedSeq = 0;

/**
 * `n` scheduler events of one source as the pipeline hands them to the store: event ids, and
 * positions of their own (a new seq per call). With an `error`, each is a failed run.
 */
export function storedEvents(source: string, n: number, error: string | null = null): StoredEvent[] {
  storedSeq += 1;
  const seq = storedSeq;
  return Array.from({ length: n }, (_, index) => ({
    metric: {
      id: storedIds.next(),
      type: "scheduler",
      source,
      timestamp: new Date().toISOString(),
      durationMs: index,
      itemsProcessed: 0,
      success: error === null,
      error,
    },
    position: positionKey({ ms: Date.now(), seq, index }),
  }));
}
