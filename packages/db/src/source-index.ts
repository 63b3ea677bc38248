// The known sources and when each was last seen, read with a skip scan over the (source, time)
// index: one index seek per distinct source, however many rows each has (a recursive CTE that
// MariaDB 10.11 and SQLite both run).
import { sql } from "drizzle-orm";
import type { Database } from "./database.ts";

export interface KnownSource {
  source: string;
  kind: "scraper" | "scheduler";
  lastSeen: Date;
}

export async function knownSources(database: Database): Promise<KnownSource[]> {
  const out: KnownSource[] = [];
  for (const [table, kind] of [
    ["scraper_page_performance", "scraper"],
    ["scheduler_metrics", "scheduler"],
  ] as const) {
    const t = sql.raw(table);
    const rows = await database.all<{ source: string; last_seen: unknown }>(sql`
      WITH RECURSIVE s(source) AS (
        SELECT MIN(source) FROM ${t}
        UNION ALL
        SELECT (SELECT MIN(x.source) FROM ${t} x WHERE x.source > s.source) FROM s WHERE s.source IS NOT NULL
      )
      SELECT source, (SELECT MAX(y.timestamp) FROM ${t} y WHERE y.source = s.source) AS last_seen
      FROM s WHERE source IS NOT NULL`);
    for (const row of rows) {
      out.push({ source: String(row.source), kind, lastSeen: database.readTime(row.last_seen) });
    }
  }
  return out;
}
