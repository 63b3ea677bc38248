import { describe, expect, it } from "vitest";
import { MAX_ERROR_LENGTH, MetricInput } from "./events.ts";

describe("MetricInput", () => {
  it("applies defaults and normalizes timestamps to ISO", () => {
    const parsed = MetricInput.parse({
      type: "scrape",
      source: "cnbc",
      url: "https://x.test",
      durationMs: 3,
      success: true,
      timestamp: 1_700_000_000_000,
    });
    expect(parsed).toMatchObject({
      itemsExtracted: 0,
      dataSize: 0,
      error: null,
      timestamp: "2023-11-14T22:13:20.000Z",
    });
  });

  it("truncates long errors and refuses future timestamps, fractional durations and long scraper names", () => {
    const long = MetricInput.parse({
      type: "scheduler",
      source: "s".repeat(100),
      durationMs: 1,
      success: false,
      error: "x".repeat(5000),
    });
    expect(long.error).toHaveLength(MAX_ERROR_LENGTH);
    expect(
      MetricInput.safeParse({
        type: "navigation",
        source: "s".repeat(51),
        url: "u",
        durationMs: 1,
        success: true,
      }).success,
    ).toBe(false);
    expect(
      MetricInput.safeParse({ type: "navigation", source: "a", url: "u", durationMs: 1.5, success: true })
        .success,
    ).toBe(false);
    const future = new Date(Date.now() + 6 * 60_000).toISOString();
    expect(
      MetricInput.safeParse({
        type: "navigation",
        source: "a",
        url: "u",
        durationMs: 1,
        success: true,
        timestamp: future,
      }).success,
    ).toBe(false);
  });
});
