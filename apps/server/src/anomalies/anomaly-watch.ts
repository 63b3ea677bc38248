// Runs every batch on the bus through the detector: with Redis that is every instance's batches,
// in the stream's one order, so each instance judges a source's whole stream and, timing each
// batch by its cursor (not its own clock), finds the same anomalies under the same ids. Each
// instance sends them to its own clients (every subscriber gets one copy) and stores them; the
// store ignores a second insert of an id, so each is stored once.
import { createHash } from "node:crypto";
import type { AnomalyStore } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import { type Anomaly, type AnomalyMetric, parseCursor } from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";
import { AnomalyDetector, type DetectorOptions } from "./anomaly-detector.ts";

/** Where anomalies go live: the streaming side sends `event: anomaly` (SSE) and
 * `{type:"anomaly",...}` (WebSocket) to clients subscribed to the anomaly's source. */
export interface AnomalySink {
  publishAnomaly(anomaly: Anomaly): void;
}

export interface AnomalyWatchOptions extends Omit<DetectorOptions, "newId"> {
  bus: BatchBus;
  store: AnomalyStore;
  logger: Logger;
  /** Looked up at each anomaly, so the streams may be attached after the watch starts. */
  sink: () => AnomalySink | undefined;
}

export class AnomalyWatch {
  private readonly detector: AnomalyDetector;
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  detected = 0;

  constructor(private readonly options: AnomalyWatchOptions) {
    this.detector = new AnomalyDetector({ ...options, newId: anomalyId });
    this.unsubscribe = options.bus.onBatch((batch) => {
      const at = parseCursor(batch.id)?.ms ?? Date.now();
      const found = this.detector.observe(batch, at);
      if (found.length > 0) this.report(found);
    });
  }

  /** Lets go of a source's baselines (idle past SOURCE_IDLE_MS). */
  forget(source: string): void {
    this.detector.forget(source);
  }

  /** Stops watching and waits for anomalies being stored. */
  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.pending]);
  }

  private report(anomalies: Anomaly[]): void {
    this.detected += anomalies.length;
    const sink = this.options.sink();
    for (const anomaly of anomalies) {
      this.options.logger.info("anomaly", { ...anomaly });
      try {
        sink?.publishAnomaly(anomaly);
      } catch (error) {
        this.options.logger.error("sending an anomaly to the streams failed", { err: error });
      }
    }
    const stored = this.options.store
      .insert(anomalies)
      .catch((error: unknown) =>
        this.options.logger.warn("storing anomalies failed", { count: anomalies.length, err: error }),
      )
      .finally(() => this.pending.delete(stored));
    this.pending.add(stored);
  }
}

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * 26 characters like event ids, time first (so ids sort in detection order): the detection
 * time, then a digest of source and metric. The cooldown allows one anomaly per (source,
 * metric) at a time, so the id is unique, and every instance computes the same one.
 */
export function anomalyId(source: string, metric: AnomalyMetric, at: number): string {
  let time = "";
  for (let rest = at, i = 0; i < 10; i++, rest = Math.floor(rest / 32))
    time = BASE32.charAt(rest % 32) + time;
  const digest = createHash("sha256").update(`${source}\u0000${metric}`).digest();
  let tail = "";
  for (let i = 0; i < 16; i++) tail += BASE32.charAt((digest[i] ?? 0) % 32);
  return time + tail;
}
