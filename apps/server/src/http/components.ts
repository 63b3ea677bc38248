// The named, reusable schemas of the OpenAPI document (components/schemas): the protocol
// package's zod schemas under the names clients know them by. Routes use these, so a schema
// appears once in the document and is referenced everywhere else.
import {
  ApiErrorBody,
  BatchSchema,
  ConnectedSchema,
  IngestAccepted as IngestAcceptedSchema,
  MetricInput,
  ResetSchema,
} from "@scrapewatch/protocol";

export const ErrorBody = ApiErrorBody.meta({ id: "Error" });
export const MetricEventInput = MetricInput.meta({ id: "MetricInput" });
export const Batch = BatchSchema.meta({ id: "Batch" });
export const Connected = ConnectedSchema.meta({ id: "Connected" });
export const Reset = ResetSchema.meta({ id: "Reset" });
export const IngestAccepted = IngestAcceptedSchema.meta({ id: "IngestAccepted" });

// Named in the protocol package itself (`.meta({ id })` where they are declared), because other
// protocol schemas nest them: a copy named here would be inlined there.
export {
  AnomalyPage,
  AnomalySchema as Anomaly,
  DailySummary as ScraperSummary,
  DailySummaryList as ScraperSummaryList,
  MetricItem,
  MetricPage,
  MetricSchema as Metric,
  SchedulerSummary,
  SchedulerSummaryList,
  SourceFigures as TypeFigures,
  SourceSummary as SourceEntry,
  SourcesResponse as SourcesPage,
} from "@scrapewatch/protocol";
