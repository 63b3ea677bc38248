// Public entry of @scrapewatch/protocol: one definition of what crosses the wire.
export {
  EVENT_TYPES,
  MAX_CLOCK_SKEW_MS,
  MAX_DURATION_MS,
  MAX_ERROR_LENGTH,
  MAX_EVENTS_PER_REQUEST,
  MAX_INGEST_BYTES,
  MAX_URL_LENGTH,
  MetricInput,
  MetricSchema,
  NavigationInput,
  SchedulerInput,
  SchedulerSource,
  ScrapeInput,
  ScraperSource,
  SourceName,
} from "./events.ts";
export type {
  EventType,
  Metric,
  MetricInputIn,
  NavigationMetric,
  SchedulerMetric,
  ScrapeMetric,
  ValidMetric,
} from "./events.ts";
export {
  compareCursors,
  formatCursor,
  MAX_BATCH_INDEX,
  parseCursor,
  positionFromKey,
  positionKey,
} from "./cursor.ts";
export type { BatchCursor, Position } from "./cursor.ts";
export { ANOMALY_METRICS, AnomalySchema, BatchSchema } from "./batch.ts";
export type { Anomaly, AnomalyMetric, Batch } from "./batch.ts";
export { ApiErrorBody, IngestAccepted, IngestEnvelope } from "./ingest.ts";
export type { EventIssue } from "./ingest.ts";
export {
  ClientMessage,
  ConnectedSchema,
  MAX_SOURCES_PER_SUBSCRIPTION,
  MAX_WS_FRAME_BYTES,
  ResetSchema,
  ServerMessageSchema,
  SSE_EVENTS,
  WS_ERROR_CODES,
  WsStatusSchema,
} from "./wire.ts";
export type { Connected, Reset, ServerMessage, SseEventName, WsErrorCode } from "./wire.ts";
