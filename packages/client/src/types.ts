// What the SDK sends and receives: the protocol package's types (SPEC 1-4, 14), not copies, so
// that the SDK cannot drift from what the server validates and streams. The record types are
// the ingest events without what the SDK fills in itself (type, source, timestamp).
import type { MetricInputIn } from "@scrapewatch/protocol";

export type {
  Anomaly,
  Batch,
  Connected,
  Incident,
  IncidentEvent,
  Metric,
  Reset,
} from "@scrapewatch/protocol";

type EventOf<T extends MetricInputIn["type"]> = Extract<MetricInputIn, { type: T }>;
type RecordOf<T extends MetricInputIn["type"]> = Omit<EventOf<T>, "type" | "source" | "timestamp">;

export type NavigationRecord = RecordOf<"navigation">;
export type ScrapeRecord = RecordOf<"scrape">;
/**
 * A finished run, as `recordSchedulerRun` takes it; `runId` (optional) ties it to its `started`
 * event. Duration and outcome are required here, though the wire makes them optional for starts.
 */
export type SchedulerRunRecord = Omit<RecordOf<"scheduler">, "state" | "durationMs" | "success"> & {
  durationMs: number;
  success: boolean;
};

/** One event as it is posted to `POST /api/v1/metrics`: the SDK always stamps the time. */
export type MetricEvent = MetricInputIn & { timestamp: string };

// The server's limits, as values: the SDK's runtime does not load the protocol package (its zod
// schemas would be dead weight in a scraper and a bare import in a browser); wire-types.test.ts
// fails if these differ from the protocol's.
export const MAX_ERROR_LENGTH = 4096;
export const MAX_URL_LENGTH = 2048;
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000 - 1;
export const MAX_EVENTS_PER_REQUEST = 5000;
