// Validates each event of an ingest body on its own, so a 400 names every bad event by index
// and reason and the whole request is refused (never a partial, silent drop).
import {
  type EventIssue,
  IngestEnvelope,
  MAX_EVENTS_PER_REQUEST,
  MetricInput,
  type ValidMetric,
} from "@scrapewatch/protocol";
import { ApiError } from "../../http/api-error.ts";

const MAX_REPORTED_ISSUES = 100;

export function validateIngestBody(body: unknown): ValidMetric[] {
  const list = Array.isArray(body) ? body : (body as { metrics?: unknown } | null)?.metrics;
  if (Array.isArray(list) && list.length > MAX_EVENTS_PER_REQUEST) {
    throw new ApiError(
      "payload_too_large",
      `at most ${MAX_EVENTS_PER_REQUEST} events per request (got ${list.length})`,
    );
  }
  const envelope = IngestEnvelope.safeParse(body);
  if (!envelope.success) {
    throw new ApiError("invalid_events", 'body must be {"metrics":[...]} or a non-empty array of events', {
      issues: envelope.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  const raw = Array.isArray(envelope.data) ? envelope.data : envelope.data.metrics;
  const valid: ValidMetric[] = [];
  const issues: EventIssue[] = [];
  raw.forEach((event, index) => {
    const result = MetricInput.safeParse(event);
    if (result.success) {
      valid.push(result.data);
      return;
    }
    for (const issue of result.error.issues) {
      if (issues.length < MAX_REPORTED_ISSUES)
        issues.push({ index, path: issue.path.join("."), message: issue.message });
    }
  });
  if (issues.length > 0) {
    const bad = new Set(issues.map((issue) => issue.index)).size;
    throw new ApiError("invalid_events", `${bad} of ${raw.length} events are invalid; nothing was accepted`, {
      issues,
    });
  }
  return valid;
}
