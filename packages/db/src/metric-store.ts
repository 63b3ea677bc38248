// Raw metric events: idempotent multi-row inserts, and reads in delivery (cursor) order.
import type { EventType, Metric } from "@scrapewatch/protocol";
import { type SQL, sql } from "drizzle-orm";
import { type RowValue, type StorageDialect, sourceIn, whereAll } from "./storage-dialect.ts";

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
  "id, position, source, type, url, duration_ms, retry_count, items_extracted, data_size, success, error, timestamp, status_code, blocked, block_reason, proxy, bytes";
const SCHEDULER_COLUMNS =
  "id, position, source, duration_ms, items_processed, success, error, timestamp, run_id, state";
/** The scraper table's columns in row order, as `insertIgnore` takes them. */
export const SCRAPER_COLUMN_LIST = SCRAPER_COLUMNS.split(", ");
const SCHEDULER_COLUMN_LIST = SCHEDULER_COLUMNS.split(", ");

// Rows per statement are the dialect's (limits.rowsPerInsert); bytes are bounded here too, so a
// chunk of long urls and errors stays well inside MariaDB's 16 MiB packet.
const MAX_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

export class MetricStore {
  constructor(private readonly database: StorageDialect) {}

  /**
   * Inserts events; an id already stored is left as it is, so a retried write never duplicates.
   * Resolves once every row is stored. As many statements run at once as the dialect takes
   * (limits.concurrentWrites: on MySQL the server keeps working while this process formats the
   * next one; SQLite has a single writer anyway).
   */
  async insert(events: readonly StoredEvent[]): Promise<void> {
    const scraper: StoredEvent[] = [];
    const scheduler: StoredEvent[] = [];
    for (const event of events) (event.metric.type === "scheduler" ? scheduler : scraper).push(event);
    const statements = [
      ...[...this.chunks(scraper)].map((chunk) => () => this.insertScraper(chunk)),
      ...[...this.chunks(scheduler)].map((chunk) => () => this.insertScheduler(chunk)),
    ];
    const lanes = this.database.limits.concurrentWrites;
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
    const filter = whereAll([sources ? sourceIn(sources) : undefined]);
    const [a] = await this.database.all<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM ${SCRAPER_TABLE} ${filter}`,
    );
    const [b] = await this.database.all<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM ${SCHEDULER_TABLE} ${filter}`,
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
    const maxRows = this.database.limits.rowsPerInsert;
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
    const rows = events.map(({ metric, position }): RowValue[] => {
      if (metric.type === "scheduler") throw new Error("scheduler event routed to scraper table");
      const retries = metric.type === "navigation" ? metric.retryCount : 0;
      const items = metric.type === "scrape" ? metric.itemsExtracted : 0;
      const size = metric.type === "scrape" ? metric.dataSize : 0;
      const health = metric.type === "navigation" ? metric : undefined;
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
        new Date(metric.timestamp),
        health?.statusCode ?? null,
        health?.blocked ? 1 : 0,
        health?.blockReason ?? null,
        metric.proxy ?? null,
        health?.bytes ?? null,
      ];
    });
    await this.database.insertIgnore("scraper_page_performance", SCRAPER_COLUMN_LIST, rows);
  }

  private async insertScheduler(events: StoredEvent[]): Promise<void> {
    const rows = events.map(({ metric, position }): RowValue[] => {
      if (metric.type !== "scheduler") throw new Error("scraper event routed to scheduler table");
      return [
        metric.id,
        position,
        metric.source,
        metric.durationMs,
        metric.itemsProcessed,
        metric.success ? 1 : 0,
        metric.error,
        new Date(metric.timestamp),
        metric.runId ?? null,
        metric.state ?? "finished",
      ];
    });
    await this.database.insertIgnore("scheduler_metrics", SCHEDULER_COLUMN_LIST, rows);
  }

  private async readTable(table: SQL, columns: string, query: EventQuery): Promise<StoredEvent[]> {
    const scraperType = query.type === "navigation" || query.type === "scrape" ? query.type : undefined;
    const clause = whereAll([
      query.afterKey === undefined ? undefined : sql`position > ${query.afterKey}`,
      query.untilKey === undefined ? undefined : sql`position <= ${query.untilKey}`,
      query.sources && query.sources.length > 0 ? sourceIn(query.sources) : undefined,
      scraperType ? sql`type = ${scraperType}` : undefined,
      query.from ? sql`timestamp >= ${query.from}` : undefined,
      query.to ? sql`timestamp < ${query.to}` : undefined,
    ]);
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
      return {
        ...base,
        type: "scheduler",
        itemsProcessed: Number(row.items_processed),
        ...(row.run_id === null || row.run_id === undefined ? {} : { runId: String(row.run_id) }),
        state: row.state === "started" ? "started" : "finished",
      };
    }
    if (row.type === "navigation") {
      return {
        ...base,
        type: "navigation",
        url: String(row.url),
        retryCount: Number(row.retry_count),
        statusCode: nullableNumber(row.status_code),
        blocked: Boolean(Number(row.blocked)),
        blockReason: nullableText(row.block_reason),
        proxy: nullableText(row.proxy),
        bytes: nullableNumber(row.bytes),
      };
    }
    return {
      ...base,
      type: "scrape",
      url: String(row.url),
      itemsExtracted: Number(row.items_extracted),
      dataSize: Number(row.data_size),
      proxy: nullableText(row.proxy),
    };
  }
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
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
  const proxy = "proxy" in metric ? (metric.proxy?.length ?? 0) : 0;
  return 250 + 4 * (url + (metric.error?.length ?? 0) + metric.source.length + proxy);
}
