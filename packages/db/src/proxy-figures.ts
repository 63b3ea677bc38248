// Per-proxy navigation figures of one source over a recent window (SPEC 15), read from the raw
// events: how many navigations each proxy carried, how many succeeded or were blocked, and the
// nearest-rank p50/p95 of their durations (as the daily summaries compute them).
import { MAX_PROXIES, type ProxyFigures } from "@scrapewatch/protocol";
import { type SQL, sql } from "drizzle-orm";
import type { StorageDialect } from "./storage-dialect.ts";

/** Proxies are reported at most MAX_PROXIES, busiest first: a fleet rotating thousands is summarized by its top. */
export class ProxyFigureStore {
  constructor(private readonly database: StorageDialect) {}

  async figures(source: string, since: Date): Promise<ProxyFigures[]> {
    const within = sql`source = ${source} AND type = 'navigation' AND timestamp >= ${since}`;
    const groups = await this.database.all<{
      proxy: string | null;
      n: unknown;
      ok: unknown;
      blocked: unknown;
    }>(
      sql`SELECT proxy, COUNT(*) AS n, SUM(success) AS ok, SUM(blocked) AS blocked
          FROM scraper_page_performance WHERE ${within}
          GROUP BY proxy ORDER BY n DESC, proxy LIMIT ${MAX_PROXIES}`,
    );
    return Promise.all(
      groups.map(async (group) => {
        const navigations = Number(group.n);
        const proxy = group.proxy === null ? null : String(group.proxy);
        const sameProxy = proxy === null ? sql`proxy IS NULL` : sql`proxy = ${proxy}`;
        const where = sql`${within} AND ${sameProxy}`;
        return {
          proxy,
          navigations,
          successRate: Number(group.ok) / navigations,
          blockRate: Number(group.blocked) / navigations,
          p50DurationMs: await this.nearestRank(where, navigations, 50),
          p95DurationMs: await this.nearestRank(where, navigations, 95),
        };
      }),
    );
  }

  private async nearestRank(where: SQL, count: number, p: number): Promise<number | null> {
    const rank = Math.max(1, Math.ceil((p * count) / 100));
    const [row] = await this.database.all<{ d: unknown }>(
      sql`SELECT duration_ms AS d FROM scraper_page_performance WHERE ${where}
          ORDER BY duration_ms LIMIT 1 OFFSET ${rank - 1}`,
    );
    return row ? Number(row.d) : null;
  }
}
