// One error type for the API: handlers throw ApiError, app.onError answers
// {"error":{"code","message","details"}} with the status of its code.
import { HTTPException } from "hono/http-exception";

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  invalid_events: 400,
  invalid_query: 400,
  timestamp_too_old: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  idempotency_in_progress: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  upgrade_required: 426,
  queue_full: 429,
  rate_limited: 429,
  too_many_sources: 429,
  too_many_streams: 429,
  too_many_clients: 503,
  shutting_down: 503,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds for a Retry-After header (409, 429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }

  /**
   * Hono's own 4xx (a validator's malformed JSON, the media-type gate of @hono/zod-openapi) in our
   * shape; null for anything else, which is a 500.
   */
  static fromHttpException(error: unknown): ApiError | null {
    if (!(error instanceof HTTPException)) return null;
    const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find(
      (candidate) => ERROR_STATUS[candidate] === error.status,
    );
    if (!code || error.status >= 500) return null;
    const specific: ErrorCode = error.status === 400 ? "invalid_json" : code;
    return new ApiError(specific, error.message);
  }
}
