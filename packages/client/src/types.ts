// What the SDK sends and receives, written out here (not imported) so that the published package
// has no dependency on the server's internal packages. Mirrors SPEC sections 1-4.

export interface NavigationRecord {
  url: string;
  durationMs: number;
  retryCount?: number;
  success: boolean;
  error?: string | null;
}

export interface ScrapeRecord {
  url: string;
  durationMs: number;
  itemsExtracted?: number;
  /** Bytes of data extracted. */
  dataSize?: number;
  success: boolean;
  error?: string | null;
}

export interface SchedulerRunRecord {
  durationMs: number;
  itemsProcessed?: number;
  success: boolean;
  error?: string | null;
}

/** One event as it is posted to `POST /api/v1/metrics`. */
export type MetricEvent =
  | ({ type: "navigation"; source: string; timestamp: string } & NavigationRecord)
  | ({ type: "scrape"; source: string; timestamp: string } & ScrapeRecord)
  | ({ type: "scheduler"; source: string; timestamp: string } & SchedulerRunRecord);

/** An accepted event as the server streams it back (with its server-assigned id). */
export type Metric =
  | {
      type: "navigation";
      id: string;
      source: string;
      timestamp: string;
      url: string;
      durationMs: number;
      retryCount: number;
      success: boolean;
      error: string | null;
    }
  | {
      type: "scrape";
      id: string;
      source: string;
      timestamp: string;
      url: string;
      durationMs: number;
      itemsExtracted: number;
      dataSize: number;
      success: boolean;
      error: string | null;
    }
  | {
      type: "scheduler";
      id: string;
      source: string;
      timestamp: string;
      durationMs: number;
      itemsProcessed: number;
      success: boolean;
      error: string | null;
    };

/** The delivery unit of every stream; `id` is its cursor (`<ms>-<seq>`). */
export interface Batch {
  id: string;
  source: string;
  count: number;
  timestamp: string;
  metrics: Metric[];
}

export interface Anomaly {
  id: string;
  source: string;
  metric: "navigationDuration" | "scrapeDuration" | "successRate" | "itemsExtracted";
  value: number;
  baseline: number;
  deviationScore: number;
  direction: "spike" | "drop";
  detectedAt: string;
}

/** First message of every stream connection. `sources` null means all sources. */
export interface Connected {
  clientId: string;
  sources: string[] | null;
  serverTime: string;
  cursor: string | null;
}

/** The resume cursor is older than the server keeps: reload through REST, then continue. */
export interface Reset {
  reason: string;
  cursor: string | null;
}

export const MAX_ERROR_LENGTH = 4096;
export const MAX_URL_LENGTH = 2048;
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000 - 1;
export const MAX_EVENTS_PER_REQUEST = 5000;
