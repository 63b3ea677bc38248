import type { Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { LiveFigures } from "./live-figures.ts";

const run = (overrides: Partial<Metric>): Metric =>
  ({
    id: "01",
    type: "scheduler",
    source: "nightly",
    timestamp: new Date().toISOString(),
    durationMs: 0,
    itemsProcessed: 0,
    success: true,
    error: null,
    ...overrides,
  }) as Metric;

describe("LiveFigures", () => {
  it("counts a run once, by its finished event, never by its start", () => {
    const live = new LiveFigures();
    live.observe({
      source: "nightly",
      metrics: [
        run({ state: "started", runId: "r1" } as Partial<Metric>),
        run({ state: "finished", runId: "r1", durationMs: 5000, success: false } as Partial<Metric>),
      ],
    });
    expect(live.figures("nightly").scheduler).toMatchObject({ count: 1, successRate: 0 });
  });
});
