// When a failed delivery is tried again: 1 s doubling to 10 min, unless the receiver said when
// (Retry-After), and never beyond the retry window (24 h from the transition).

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** How long after its creation a delivery keeps being retried. */
  windowMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 10 * 60_000, windowMs: 24 * 3_600_000 };

/** A receiver may ask for a pause, but not one that outlasts an hour (the delivery would go stale). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** Delay before attempt `attempt + 1`, after `attempt` (1-based) attempts have failed. */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, retryAfterMs?: number | null): number {
  if (retryAfterMs !== undefined && retryAfterMs !== null) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
