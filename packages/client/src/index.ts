// Public entry of @scrapewatch/client: the recorder, the scraper wrappers and the stream client.

export type { ConfigureOptions } from "./defaults.ts";
export { configure, defaultRecorder } from "./defaults.ts";
export { InvalidRecordError } from "./events.ts";
export type { DropReason, MetricsRecorderOptions } from "./recorder.ts";
export { IngestRejectedError, MetricsRecorder } from "./recorder.ts";
export type { NavigationHealth } from "./health.ts";
export { proxyLabel } from "./health.ts";
export { BLOCKED_STATUS_CODES, NavigationBlockedError } from "./response-health.ts";
export type {
  GotoOptions,
  GotoResult,
  NavigationTracking,
  TrackablePage,
  TrackedGotoOptions,
} from "./scraper-tracking.ts";
export { gotoWithRetriesTracked, scrapePageTracked, trackSchedulerRun } from "./scraper-tracking.ts";
export type {
  Anomaly,
  Batch,
  Connected,
  Incident,
  IncidentEvent,
  Metric,
  MetricEvent,
  NavigationRecord,
  Reset,
  SchedulerRunRecord,
  ScrapeRecord,
} from "./types.ts";
export type {
  ConnectInfo,
  DisconnectInfo,
  MetricsStreamEvents,
  MetricsStreamOptions,
  ReconnectPolicy,
  ResetInfo,
  StreamState,
  StreamStatus,
  StreamTransport,
} from "./stream/stream-types.ts";
export { MetricsStream } from "./stream/metrics-stream.ts";
