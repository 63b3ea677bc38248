// Public entry of @scrapewatch/client: the recorder, the scraper wrappers and the stream client.
export { InvalidRecordError } from "./events.ts";
export type { DropReason, MetricsRecorderOptions } from "./recorder.ts";
export { IngestRejectedError, MetricsRecorder } from "./recorder.ts";
export type {
  Anomaly,
  Batch,
  Connected,
  Metric,
  MetricEvent,
  NavigationRecord,
  Reset,
  SchedulerRunRecord,
  ScrapeRecord,
} from "./types.ts";
