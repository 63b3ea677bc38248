// Reconnect delays: 3 s, then ×1.5 per consecutive failure, capped at 13.5 s (SPEC 9).
export const BACKOFF_BASE_MS = 3000;
export const BACKOFF_FACTOR = 1.5;
export const BACKOFF_MAX_MS = 13_500;

/** Delay before reconnect attempt number `failures` (1 = the first failure). */
export function backoffDelay(failures: number): number {
  const step = Math.max(0, failures - 1);
  return Math.min(BACKOFF_BASE_MS * BACKOFF_FACTOR ** step, BACKOFF_MAX_MS);
}
