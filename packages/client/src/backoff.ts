// Waiting between attempts: exponential backoff with jitter, and the server's Retry-After.

export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseDelayMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Upper bound of any one delay. */
  maxDelayMs: number;
  /** Fraction of the delay that is randomized (0: none, 1: full jitter). */
  jitter: number;
}

/** Delay before retry number `attempt` (0-based), jittered so that many clients do not retry in step. */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** attempt);
  const spread = raw * Math.min(1, Math.max(0, policy.jitter));
  return Math.round(raw - spread + spread * random());
}

/** `Retry-After` as milliseconds: either delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** A timer-backed wait that can be made to hold the process open (ref) or not (unref). */
export class Pause {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;

  wait(ms: number, keepAlive: boolean): Promise<void> {
    this.cancel();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => this.cancel(), ms);
      if (!keepAlive) unref(this.timer);
    });
  }

  /** Ends a pending wait early. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** Lets a Node timer not hold the process open; browsers' numeric timers have nothing to do. */
export function unref(timer: ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>): void {
  (timer as { unref?: () => void }).unref?.();
}
