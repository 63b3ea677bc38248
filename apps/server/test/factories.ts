// Unique event data for server tests.
import { randomBytes } from "node:crypto";

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
