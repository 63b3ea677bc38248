// The pipeline's refusals (its own domain errors) as HTTP answers; app.onError and the request log
// use asApiError, so the ingest route and the middleware that refuses before reading a body
// answer, and are counted, alike.
import { ApiError } from "../../http/api-error.ts";
import {
  type IngestRefused,
  QueueFull,
  ShuttingDown,
  TimestampTooOld,
  TooManySources,
} from "../../pipeline/ingest-errors.ts";

export function refusalAsApiError(error: unknown): ApiError | null {
  const retryAfter = (refused: IngestRefused) => refused.retryAfterSeconds ?? undefined;
  if (error instanceof QueueFull) {
    const details = {
      pending: error.pending,
      maxPending: error.maxPending,
      pendingBytes: error.pendingBytes,
    };
    return new ApiError("queue_full", error.message, details, retryAfter(error));
  }
  if (error instanceof TooManySources) {
    return new ApiError("too_many_sources", error.message, error.figures, retryAfter(error));
  }
  if (error instanceof TimestampTooOld) {
    return new ApiError("timestamp_too_old", error.message, { issues: error.issues });
  }
  if (error instanceof ShuttingDown) {
    return new ApiError("shutting_down", error.message, undefined, retryAfter(error));
  }
  return null;
}

/** What a thrown error answers as: an ApiError when it is one, an HTTP exception or a refusal. */
export function asApiError(thrown: unknown): unknown {
  return ApiError.fromHttpException(thrown) ?? refusalAsApiError(thrown) ?? thrown;
}
