// The SDK's public wire types are the protocol package's, and its limits are the server's: this
// fails (at type-check and at run time) if either drifts.
import * as protocol from "@scrapewatch/protocol";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  Anomaly,
  Batch,
  Connected,
  IncidentEvent,
  Metric,
  MetricEvent,
  NavigationRecord,
  Reset,
} from "./index.ts";
import { MAX_PROXY_LABEL } from "./health.ts";
import { isCursor } from "./stream/cursor.ts";
import { MAX_DURATION_MS, MAX_ERROR_LENGTH, MAX_EVENTS_PER_REQUEST, MAX_URL_LENGTH } from "./types.ts";

describe("the SDK's wire types", () => {
  it("are the protocol's stream types", () => {
    expectTypeOf<Batch>().toEqualTypeOf<protocol.Batch>();
    expectTypeOf<Metric>().toEqualTypeOf<protocol.Metric>();
    expectTypeOf<Anomaly>().toEqualTypeOf<protocol.Anomaly>();
    expectTypeOf<Connected>().toEqualTypeOf<protocol.Connected>();
    expectTypeOf<Reset>().toEqualTypeOf<protocol.Reset>();
    expectTypeOf<IncidentEvent>().toEqualTypeOf<protocol.IncidentEvent>();
  });

  it("post what the server's ingest schema accepts", () => {
    expectTypeOf<MetricEvent>().toExtend<protocol.MetricInputIn>();
    const record: NavigationRecord = { url: "https://a.test/", durationMs: 1, success: true };
    const event: MetricEvent = {
      type: "navigation",
      source: "a",
      timestamp: new Date().toISOString(),
      ...record,
    };
    expect(protocol.MetricInput.safeParse(event).success).toBe(true);
  });

  it("use the server's limits", () => {
    expect({ MAX_DURATION_MS, MAX_ERROR_LENGTH, MAX_EVENTS_PER_REQUEST, MAX_URL_LENGTH }).toEqual({
      MAX_DURATION_MS: protocol.MAX_DURATION_MS,
      MAX_ERROR_LENGTH: protocol.MAX_ERROR_LENGTH,
      MAX_EVENTS_PER_REQUEST: protocol.MAX_EVENTS_PER_REQUEST,
      MAX_URL_LENGTH: protocol.MAX_URL_LENGTH,
    });
    expect(MAX_PROXY_LABEL).toBe(protocol.MAX_PROXY_LABEL_LENGTH);
  });

  it("accept the cursors the protocol accepts", () => {
    for (const text of [
      "1-0",
      "1796593363795-1",
      "1796593363795-1-7",
      "1-12345678901",
      "1-1-123456",
      "x-1",
    ]) {
      expect(isCursor(text), text).toBe(protocol.parseCursor(text) !== null);
    }
  });
});
