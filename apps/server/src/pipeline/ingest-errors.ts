// Why the pipeline refused events, in its own terms; the ingest route maps them to HTTP
// (400, 429 and 503 with Retry-After), other callers (the demo, tests) see what happened.
import type { EventIssue } from "@scrapewatch/protocol";

/** Every refusal says when a retry may succeed (null: a retry of the same events never will). */
export abstract class IngestRefused extends Error {
  abstract readonly retryAfterSeconds: number | null;
}

export class QueueFull extends IngestRefused {
  constructor(
    readonly pending: number,
    readonly maxPending: number,
    readonly pendingBytes: number,
    /** When a retry is likely to find room: soon while the database keeps up. */
    readonly retryAfterSeconds: number,
  ) {
    super(`the ingest queue is full (${pending} events waiting); retry later`);
    this.name = "QueueFull";
  }
}

export class ShuttingDown extends IngestRefused {
  readonly retryAfterSeconds = 5;

  constructor() {
    super("the server is shutting down");
    this.name = "ShuttingDown";
  }
}

/** Events dated before RETENTION_DAYS: they would be deleted at once (nothing is accepted). */
export class TimestampTooOld extends IngestRefused {
  readonly retryAfterSeconds = null;

  constructor(
    message: string,
    readonly issues: EventIssue[],
  ) {
    super(message);
    this.name = "TimestampTooOld";
  }
}

/** One more active source would pass MAX_SOURCES. */
export class TooManySources extends IngestRefused {
  constructor(
    message: string,
    readonly figures: { maxSources: number; active: number; new: number },
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "TooManySources";
  }
}
