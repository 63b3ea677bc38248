// Unique test data: every test gets its own source names, so tests never see each other's rows.
import { randomBytes } from "node:crypto";
import type { Metric } from "@scrapewatch/protocol";
import { positionKey } from "@scrapewatch/protocol";
import type { StoredEvent } from "../src/metric-store.ts";

let counter = 0;

export function uniqueSource(prefix = "src"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export function eventId(): string {
  counter += 1;
  return `T${Date.now().toString(36).toUpperCase()}${String(counter).padStart(8, "0")}${randomBytes(2).toString("hex")}`.slice(
    0,
    26,
  );
}

export function navigation(source: string, overrides: Partial<Metric> = {}): Metric {
  return {
    id: eventId(),
    type: "navigation",
    source,
    timestamp: new Date().toISOString(),
    url: "https://example.test/page",
    durationMs: 120,
    retryCount: 0,
    success: true,
    error: null,
    statusCode: null,
    blocked: false,
    blockReason: null,
    proxy: null,
    bytes: null,
    ...overrides,
  } as Metric;
}

export function stored(metric: Metric, ms: number, seq: number, index: number): StoredEvent {
  return { metric, position: positionKey({ ms, seq, index }) };
}
