// Deletion of raw rows past retention, in small chunks by primary key so that each statement
// holds its locks only briefly and ingest keeps flowing between chunks.
import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";

export const RAW_TABLES = ["scraper_page_performance", "scheduler_metrics"] as const;

export interface DeleteOptions {
  /**
   * Rows per DELETE (default: 5,000 on MySQL; 1,000 on SQLite, whose single connection makes
   * ingest's inserts wait behind each chunk).
   */
  chunkSize?: number;
  /** Pause between chunks so queued inserts get their turn (default 10 ms). */
  pauseMs?: number;
  /** Checked between chunks; true stops early (e.g. at shutdown). */
  shouldStop?: () => boolean;
}

export class RawRetention {
  constructor(private readonly database: Database) {}

  /** The time of the oldest raw row, or null when there is none. */
  async oldestTime(): Promise<Date | null> {
    let oldest: Date | null = null;
    for (const table of RAW_TABLES) {
      const [row] = await this.database.all<{ t: unknown }>(
        sql`SELECT MIN(timestamp) AS t FROM ${sql.raw(table)}`,
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
        sql`SELECT MAX(position) AS p FROM ${sql.raw(table)} WHERE timestamp < ${this.database.time(cutoff)}`,
      );
      const position = row?.p ?? null;
      if (position !== null && (newest === null || position > newest)) newest = position;
    }
    return newest;
  }

  /** Raw rows of both tables with timestamp in [from, to). */
  async countBetween(from: Date, to: Date): Promise<number> {
    const t = this.database.time;
    let total = 0;
    for (const table of RAW_TABLES) {
      const [row] = await this.database.all<{ n: unknown }>(
        sql`SELECT COUNT(*) AS n FROM ${sql.raw(table)} WHERE timestamp >= ${t(from)} AND timestamp < ${t(to)}`,
      );
      total += Number(row?.n ?? 0);
    }
    return total;
  }

  /** Deletes raw rows older than the cutoff, chunk by chunk; returns how many were deleted. */
  async deleteBefore(cutoff: Date, options: DeleteOptions = {}): Promise<number> {
    const chunkSize = options.chunkSize ?? (this.database.dialect === "mysql" ? 5_000 : 1_000);
    const pauseMs = options.pauseMs ?? 10;
    let deleted = 0;
    for (const table of RAW_TABLES) {
      for (;;) {
        if (options.shouldStop?.()) return deleted;
        const count = await this.deleteChunk(table, cutoff, chunkSize);
        deleted += count;
        if (count < chunkSize) break;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
    return deleted;
  }

  /**
   * MySQL: DELETE ... LIMIT over the time index (measured ~40 % faster than deleting listed ids).
   * SQLite has no DELETE ... LIMIT in common builds: the ids are listed by a subquery, in the
   * same statement, so the chunk is one message to the worker thread and no ids are built here.
   */
  private async deleteChunk(table: string, cutoff: Date, chunkSize: number): Promise<number> {
    const name = sql.raw(table);
    if (this.database.dialect === "mysql") {
      const [result] = await this.database.db.execute(
        sql`DELETE FROM ${name} WHERE timestamp < ${cutoff} LIMIT ${chunkSize}`,
      );
      return result.affectedRows;
    }
    const deleted = await this.database.all<{ one: number }>(
      sql`DELETE FROM ${name} WHERE id IN (SELECT id FROM ${name} WHERE timestamp < ${this.database.time(cutoff)} LIMIT ${chunkSize}) RETURNING 1 AS one`,
    );
    return deleted.length;
  }
}
