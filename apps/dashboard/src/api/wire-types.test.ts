// The dashboard reads the protocol package's types and streams through the SDK: this fails at
// type-check (and so in `npm run typecheck` and vitest) if any of them drift apart.
import type {
  IncidentEvent as SdkIncidentEvent,
  Batch as SdkBatch,
  MetricsStreamEvents,
} from "@scrapewatch/client";
import type * as protocol from "@scrapewatch/protocol";
import { describe, expectTypeOf, it } from "vitest";
import type { LiveEvent } from "../stream/types.ts";
import type { DailySummary, SchedulerSummary } from "./shapes.ts";

describe("the dashboard's wire types", () => {
  it("are the protocol's REST answers", () => {
    expectTypeOf<DailySummary>().toEqualTypeOf<protocol.DailySummary>();
    expectTypeOf<SchedulerSummary>().toEqualTypeOf<protocol.SchedulerSummary>();
    // A REST page's items are live events: polling and streaming share one gate.
    expectTypeOf<protocol.MetricItem>().toExtend<LiveEvent>();
    expectTypeOf<protocol.MetricPage["items"]>().toExtend<readonly LiveEvent[]>();
  });

  it("are what the SDK's stream delivers", () => {
    expectTypeOf<SdkBatch>().toEqualTypeOf<protocol.Batch>();
    expectTypeOf<Parameters<MetricsStreamEvents["metrics"]>[0]>().toEqualTypeOf<protocol.Batch>();
    expectTypeOf<Parameters<MetricsStreamEvents["anomaly"]>[0]>().toEqualTypeOf<protocol.Anomaly>();
    expectTypeOf<Parameters<MetricsStreamEvents["incident"]>[0]>().toEqualTypeOf<SdkIncidentEvent>();
  });
});
