// Stored anomalies, listed in id order (ids are time-ordered, so this is detection order).
import type { Anomaly, AnomalyMetric } from "@scrapewatch/protocol";
import { sql } from "drizzle-orm";
import { type StorageDialect, sourceIn, whereAll } from "./storage-dialect.ts";

export interface AnomalyQuery {
  sources?: readonly string[];
  /** Only anomalies with an id after this one. */
  after?: string;
  /** Only anomalies detected at or after this time. */
  since?: Date;
  limit: number;
}

/** The anomalies table's columns in row order, as `insertIgnore` takes them. */
export const ANOMALY_COLUMNS = [
  "id",
  "source",
  "metric",
  "value",
  "baseline",
  "deviation_score",
  "direction",
  "detected_at",
];

export class AnomalyStore {
  constructor(private readonly database: StorageDialect) {}

  /** Stores anomalies; one already stored (same id) is left as it is. */
  async insert(anomalies: readonly Anomaly[]): Promise<void> {
    const rows = anomalies.map((a) => [
      a.id,
      a.source,
      a.metric,
      a.value,
      a.baseline,
      a.deviationScore,
      a.direction,
      new Date(a.detectedAt),
    ]);
    await this.database.insertIgnore("anomalies", ANOMALY_COLUMNS, rows);
  }

  async list(query: AnomalyQuery): Promise<Anomaly[]> {
    const clause = whereAll([
      query.sources && query.sources.length > 0 ? sourceIn(query.sources) : undefined,
      query.after === undefined ? undefined : sql`id > ${query.after}`,
      query.since ? sql`detected_at >= ${query.since}` : undefined,
    ]);
    const rows = await this.database.all<Record<string, unknown>>(
      sql`SELECT * FROM anomalies ${clause} ORDER BY id LIMIT ${query.limit}`,
    );
    return rows.map((row) => ({
      id: String(row.id),
      source: String(row.source),
      metric: String(row.metric) as AnomalyMetric,
      value: Number(row.value),
      baseline: Number(row.baseline),
      deviationScore: Number(row.deviation_score),
      direction: row.direction === "drop" ? "drop" : "spike",
      detectedAt: this.database.readTime(row.detected_at).toISOString(),
    }));
  }
}
