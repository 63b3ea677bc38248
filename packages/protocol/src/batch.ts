// The batch: the one delivery unit on every transport (SSE, WebSocket, Redis, replay).
import { z } from "zod";
import { MetricSchema } from "./events.ts";
import type { Metric } from "./events.ts";

export interface Batch {
  /** Batch cursor, `<ms>-<seq>`. */
  id: string;
  source: string;
  count: number;
  /** When the batch was sealed (ISO-8601). */
  timestamp: string;
  metrics: Metric[];
}

export const BatchSchema = z.object({
  id: z.string(),
  source: z.string(),
  count: z.number().int(),
  timestamp: z.string(),
  metrics: z.array(MetricSchema),
});

export const ANOMALY_METRICS = [
  "navigationDuration",
  "scrapeDuration",
  "successRate",
  "itemsExtracted",
  /** Share of navigations blocked (SPEC 15), per group of navigations; only spikes count. */
  "blockRate",
] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export const AnomalySchema = z
  .object({
    id: z.string(),
    source: z.string(),
    metric: z.enum(ANOMALY_METRICS),
    value: z.number(),
    baseline: z.number(),
    deviationScore: z.number(),
    direction: z.enum(["spike", "drop"]),
    detectedAt: z.string(),
  })
  .meta({ id: "Anomaly" });
export type Anomaly = z.infer<typeof AnomalySchema>;
