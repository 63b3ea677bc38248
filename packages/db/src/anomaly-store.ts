// Stored anomalies, listed in id order (ids are time-ordered, so this is detection order).
import type { Anomaly, AnomalyMetric } from "@scrapewatch/protocol";
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./database.ts";

export interface AnomalyQuery {
  sources?: readonly string[];
  /** Only anomalies with an id after this one. */
  after?: string;
  /** Only anomalies detected at or after this time. */
  since?: Date;
  limit: number;
}

export class AnomalyStore {
  constructor(private readonly database: Database) {}

  async insert(anomalies: readonly Anomaly[]): Promise<void> {
    if (anomalies.length === 0) return;
    const t = this.database.time;
    const rows = anomalies.map(
      (a) =>
        sql`(${a.id}, ${a.source}, ${a.metric}, ${a.value}, ${a.baseline}, ${a.deviationScore}, ${a.direction}, ${t(new Date(a.detectedAt))})`,
    );
    const ignore =
      this.database.dialect === "mysql"
        ? sql`ON DUPLICATE KEY UPDATE id = id`
        : sql`ON CONFLICT (id) DO NOTHING`;
    await this.database.run(
      sql`INSERT INTO anomalies (id, source, metric, value, baseline, deviation_score, direction, detected_at) VALUES ${sql.join(rows, sql`, `)} ${ignore}`,
    );
  }

  async list(query: AnomalyQuery): Promise<Anomaly[]> {
    const where: SQL[] = [];
    if (query.sources && query.sources.length > 0) {
      where.push(
        sql`source IN (${sql.join(
          query.sources.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      );
    }
    if (query.after !== undefined) where.push(sql`id > ${query.after}`);
    if (query.since) where.push(sql`detected_at >= ${this.database.time(query.since)}`);
    const clause = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
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
