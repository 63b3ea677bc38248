// Runs every batch this instance publishes through the detector; what it flags is stored and
// handed to the streams. Detection is synchronous and cheap; storing happens off the ingest path.
import type { AnomalyStore } from "@scrapewatch/db";
import type { Anomaly } from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";
import type { IngestPipeline } from "../pipeline/ingest-pipeline.ts";
import { AnomalyDetector, type DetectorOptions } from "./anomaly-detector.ts";

/** Where anomalies go live: the streaming side sends `event: anomaly` (SSE) and
 * `{type:"anomaly",...}` (WebSocket) to clients subscribed to the anomaly's source. */
export interface AnomalySink {
  publishAnomaly(anomaly: Anomaly): void;
}

export interface AnomalyWatchOptions extends Omit<DetectorOptions, "newId"> {
  pipeline: IngestPipeline;
  store: AnomalyStore;
  logger: Logger;
  newId: () => string;
  /** Looked up at each anomaly, so the streams may be attached after the watch starts. */
  sink: () => AnomalySink | undefined;
}

export class AnomalyWatch {
  private readonly detector: AnomalyDetector;
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  detected = 0;

  constructor(private readonly options: AnomalyWatchOptions) {
    this.detector = new AnomalyDetector(options);
    this.unsubscribe = options.pipeline.onPublished((batch) => {
      const found = this.detector.observe(batch);
      if (found.length > 0) this.report(found);
    });
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
