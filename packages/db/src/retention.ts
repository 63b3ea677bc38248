// Deletion of raw rows past retention, in small chunks so that each statement holds its locks
// only briefly and ingest keeps flowing between chunks.
import { sql } from "drizzle-orm";
import type { StorageDialect } from "./storage-dialect.ts";

export const RAW_TABLES = ["scraper_page_performance", "scheduler_metrics"] as const;

export interface DeleteOptions {
  /**
   * Rows per DELETE (default: the dialect's limits.rowsPerDelete — 5,000 on MySQL; 1,000 on
   * SQLite, whose single connection makes ingest's inserts wait behind each chunk).
   */
  chunkSize?: number;
  /** Pause between chunks so queued inserts get their turn (default 10 ms). */
  pauseMs?: number;
  /** Checked between chunks; true stops early (e.g. at shutdown). */
  shouldStop?: () => boolean;
}

export class RawRetention {
  constructor(private readonly database: StorageDialect) {}

  /**
   * The time of the oldest raw row (at or after `from`, when given), or null when there is none.
   * Stepping `from` day by day past each answer visits only the days that have rows.
   */
  async oldestTime(from?: Date): Promise<Date | null> {
    let oldest: Date | null = null;
    const after = from ? sql` WHERE timestamp >= ${from}` : sql``;
    for (const table of RAW_TABLES) {
      const [row] = await this.database.all<{ t: unknown }>(
        sql`SELECT MIN(timestamp) AS t FROM ${sql.raw(table)}${after}`,
      );
      if (row?.t === null || row?.t === undefined) continue;
      const time = this.database.readTime(row.t);
      if (!oldest || time < oldest) oldest = time;
    }
    return oldest;
  }

  /** Position key of the newest raw row timestamped before the cutoff (what deleteBefore removes). */
  async newestPositionBefore(cutoff: Date): Promise<string | null> {
    let newest: string | null = null;
    for (const table of RAW_TABLES) {
      const [row] = await this.database.all<{ p: string | null }>(
        sql`SELECT MAX(position) AS p FROM ${sql.raw(table)} WHERE timestamp < ${cutoff}`,
      );
      const position = row?.p ?? null;
      if (position !== null && (newest === null || position > newest)) newest = position;
    }
    return newest;
  }

  /** Raw rows of both tables with timestamp in [from, to). */
  async countBetween(from: Date, to: Date): Promise<number> {
    let total = 0;
    for (const table of RAW_TABLES) {
      const [row] = await this.database.all<{ n: unknown }>(
        sql`SELECT COUNT(*) AS n FROM ${sql.raw(table)} WHERE timestamp >= ${from} AND timestamp < ${to}`,
      );
      total += Number(row?.n ?? 0);
    }
    return total;
  }

  /** Deletes raw rows older than the cutoff, chunk by chunk; returns how many were deleted. */
  async deleteBefore(cutoff: Date, options: DeleteOptions = {}): Promise<number> {
    const chunkSize = options.chunkSize ?? this.database.limits.rowsPerDelete;
    const pauseMs = options.pauseMs ?? 10;
    let deleted = 0;
    for (const table of RAW_TABLES) {
      for (;;) {
        if (options.shouldStop?.()) return deleted;
        const count = await this.database.deleteBefore(table, "timestamp", cutoff, chunkSize);
        deleted += count;
        if (count < chunkSize) break;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
    return deleted;
  }
}
