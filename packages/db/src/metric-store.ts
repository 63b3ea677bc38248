// Raw metric events: idempotent multi-row inserts, and reads in delivery (cursor) order.
import type { EventType, Metric } from "@scrapewatch/protocol";
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./database.ts";

/** An accepted event and its delivery position key (see positionKey in the protocol). */
export interface StoredEvent {
  metric: Metric;
  position: string;
}

export interface EventQuery {
  /** Only events strictly after this position key. */
  afterKey?: string;
  /** Only events at or before this position key. */
  untilKey?: string;
  sources?: readonly string[];
  type?: EventType;
  from?: Date;
  to?: Date;
  limit: number;
}

const SCRAPER_TABLE = sql.raw("scraper_page_performance");
const SCHEDULER_TABLE = sql.raw("scheduler_metrics");
const SCRAPER_COLUMNS =
  "id, position, source, type, url, duration_ms, retry_count, items_extracted, data_size, success, error, timestamp";
const SCHEDULER_COLUMNS = "id, position, source, duration_ms, items_processed, success, error, timestamp";
/** The scraper table's columns in row order, as `insertRows` takes them. */
export const SCRAPER_COLUMN_LIST = SCRAPER_COLUMNS.split(", ");
const SCHEDULER_COLUMN_LIST = SCHEDULER_COLUMNS.split(", ");

// SQLite allows 32,766 bound variables per statement (12 per scraper row); MariaDB's packet is
// 16 MiB, and a worst-case row (2 KiB url, 4 KiB error in utf8mb4) stays far below 4 MiB/1,000.
const MAX_ROWS_PER_STATEMENT = { sqlite: 2_000, mysql: 1_000 } as const;
const MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;
const CONCURRENT_STATEMENTS = 2;

export class MetricStore {
  constructor(private readonly database: Database) {}

  /**
   * Inserts events; an id already stored is left as it is, so a retried write never duplicates.
   * Resolves once every row is stored. On MySQL two statements run at once, so the server keeps
   * working while this process formats the next one; SQLite has a single writer anyway.
   */
  async insert(events: readonly StoredEvent[]): Promise<void> {
    const scraper: StoredEvent[] = [];
    const scheduler: StoredEvent[] = [];
    for (const event of events) (event.metric.type === "scheduler" ? scheduler : scraper).push(event);
    const statements = [
      ...[...this.chunks(scraper)].map((chunk) => () => this.insertScraper(chunk)),
      ...[...this.chunks(scheduler)].map((chunk) => () => this.insertScheduler(chunk)),
    ];
    const lanes = this.database.dialect === "mysql" ? CONCURRENT_STATEMENTS : 1;
    let next = 0;
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: Math.min(lanes, statements.length) }, async () => {
        while (next < statements.length && errors.length === 0) {
          const statement = statements[next++];
          if (statement) await statement().catch((error: unknown) => errors.push(error));
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  /** Events in position order, both tables merged. */
  async read(query: EventQuery): Promise<StoredEvent[]> {
    const wantsScraper = query.type !== "scheduler";
    const wantsScheduler = query.type === undefined || query.type === "scheduler";
    const [scraper, scheduler] = await Promise.all([
      wantsScraper ? this.readTable(SCRAPER_TABLE, SCRAPER_COLUMNS, query) : [],
      wantsScheduler ? this.readTable(SCHEDULER_TABLE, SCHEDULER_COLUMNS, query) : [],
    ]);
    const merged = mergeByPosition(scraper, scheduler);
    return merged.slice(0, query.limit);
  }

  /** The newest stored position key, or null when nothing is stored. */
  async newestPosition(): Promise<string | null> {
    return this.extremePosition("MAX");
  }

  /** The oldest stored position key, or null when nothing is stored. */
  async oldestPosition(): Promise<string | null> {
    return this.extremePosition("MIN");
  }

  async isEmpty(): Promise<boolean> {
    return (await this.newestPosition()) === null;
  }

  /** Counts stored rows (tests and stats; not for hot paths). */
  async count(sources?: readonly string[]): Promise<number> {
    const filter = sources
      ? sql` WHERE source IN (${sql.join(
          sources.map((s) => sql`${s}`),
          sql`, `,
        )})`
      : sql``;
    const [a] = await this.database.all<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM ${SCRAPER_TABLE}${filter}`,
    );
    const [b] = await this.database.all<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM ${SCHEDULER_TABLE}${filter}`,
    );
    return Number(a?.n ?? 0) + Number(b?.n ?? 0);
  }

  private async extremePosition(fn: "MIN" | "MAX"): Promise<string | null> {
    const agg = sql.raw(`${fn}(position)`);
    const rows = await Promise.all([
      this.database.all<{ p: string | null }>(sql`SELECT ${agg} AS p FROM ${SCRAPER_TABLE}`),
      this.database.all<{ p: string | null }>(sql`SELECT ${agg} AS p FROM ${SCHEDULER_TABLE}`),
    ]);
    const values = rows.map((r) => r[0]?.p ?? null).filter((p): p is string => p !== null);
    if (values.length === 0) return null;
    values.sort();
    return (fn === "MAX" ? values[values.length - 1] : values[0]) ?? null;
  }

  private *chunks(events: StoredEvent[]): Generator<StoredEvent[]> {
    const maxRows = MAX_ROWS_PER_STATEMENT[this.database.dialect];
    let chunk: StoredEvent[] = [];
    let bytes = 0;
    for (const event of events) {
      const size = estimateBytes(event.metric);
      if (chunk.length > 0 && (chunk.length >= maxRows || bytes + size > MAX_BYTES_PER_STATEMENT)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(event);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
  }

  private async insertScraper(events: StoredEvent[]): Promise<void> {
    const t = this.database.time;
    const rows = events.map(({ metric, position }) => {
      if (metric.type === "scheduler") throw new Error("scheduler event routed to scraper table");
      const retries = metric.type === "navigation" ? metric.retryCount : 0;
      const items = metric.type === "scrape" ? metric.itemsExtracted : 0;
      const size = metric.type === "scrape" ? metric.dataSize : 0;
      return [
        metric.id,
        position,
        metric.source,
        metric.type,
        metric.url,
        metric.durationMs,
        retries,
        items,
        size,
        metric.success ? 1 : 0,
        metric.error,
        t(new Date(metric.timestamp)),
      ];
    });
    await this.database.insertRows("scraper_page_performance", SCRAPER_COLUMN_LIST, rows);
  }

  private async insertScheduler(events: StoredEvent[]): Promise<void> {
    const t = this.database.time;
    const rows = events.map(({ metric, position }) => {
      if (metric.type !== "scheduler") throw new Error("scraper event routed to scheduler table");
      return [
        metric.id,
        position,
        metric.source,
        metric.durationMs,
        metric.itemsProcessed,
        metric.success ? 1 : 0,
        metric.error,
        t(new Date(metric.timestamp)),
      ];
    });
    await this.database.insertRows("scheduler_metrics", SCHEDULER_COLUMN_LIST, rows);
  }

  private async readTable(table: SQL, columns: string, query: EventQuery): Promise<StoredEvent[]> {
    const t = this.database.time;
    const where: SQL[] = [];
    if (query.afterKey !== undefined) where.push(sql`position > ${query.afterKey}`);
    if (query.untilKey !== undefined) where.push(sql`position <= ${query.untilKey}`);
    if (query.sources && query.sources.length > 0) {
      where.push(
        sql`source IN (${sql.join(
          query.sources.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      );
    }
    if (query.type === "navigation" || query.type === "scrape") where.push(sql`type = ${query.type}`);
    if (query.from) where.push(sql`timestamp >= ${t(query.from)}`);
    if (query.to) where.push(sql`timestamp < ${t(query.to)}`);
    const clause = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
    const rows = await this.database.all<Record<string, unknown>>(
      sql`SELECT ${sql.raw(columns)} FROM ${table} ${clause} ORDER BY position LIMIT ${query.limit}`,
    );
    return rows.map((row) => ({ metric: this.toMetric(row), position: String(row.position) }));
  }

  private toMetric(row: Record<string, unknown>): Metric {
    const base = {
      id: String(row.id),
      source: String(row.source),
      timestamp: this.database.readTime(row.timestamp).toISOString(),
      durationMs: Number(row.duration_ms),
      success: Boolean(Number(row.success)),
      error: row.error === null || row.error === undefined ? null : String(row.error),
    };
    if (row.type === undefined) {
      return { ...base, type: "scheduler", itemsProcessed: Number(row.items_processed) };
    }
    if (row.type === "navigation") {
      return { ...base, type: "navigation", url: String(row.url), retryCount: Number(row.retry_count) };
    }
    return {
      ...base,
      type: "scrape",
      url: String(row.url),
      itemsExtracted: Number(row.items_extracted),
      dataSize: Number(row.data_size),
    };
  }
}

function mergeByPosition(a: StoredEvent[], b: StoredEvent[]): StoredEvent[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: StoredEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.position < y.position)) {
      out.push(x);
      i++;
    } else if (y) {
      out.push(y);
      j++;
    }
  }
  return out;
}

function estimateBytes(metric: Metric): number {
  const url = "url" in metric ? metric.url.length : 0;
  // utf8mb4 may take four bytes per character; fixed columns and escaping add a little.
  return 200 + 4 * (url + (metric.error?.length ?? 0) + metric.source.length);
}
