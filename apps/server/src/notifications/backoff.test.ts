// The retry schedule: 1 s doubling to 10 min, Retry-After in seconds or as a date.
import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, parseRetryAfter, retryDelayMs } from "./backoff.ts";

describe("retry schedule", () => {
  it("doubles from one second and stops at ten minutes", () => {
    const delays = [1, 2, 3, 4, 10, 11, 40].map((attempt) => retryDelayMs(attempt, DEFAULT_BACKOFF));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 512_000, 600_000, 600_000]);
  });

  it("waits as long as Retry-After says, up to an hour", () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 30_000)).toBe(30_000);
    expect(retryDelayMs(5, DEFAULT_BACKOFF, 0)).toBe(0);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 86_400_000)).toBe(3_600_000);
  });

  it("reads Retry-After as seconds or an HTTP date, and ignores nonsense", () => {
    const now = Date.parse("2026-12-06T05:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 06 Dec 2026 05:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sun, 06 Dec 2026 04:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
