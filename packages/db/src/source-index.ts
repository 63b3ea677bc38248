// The known sources and when each was last seen, read by skipping through the (source, time)
// index: one seek per distinct source, however many rows each has. MariaDB does this itself for
// GROUP BY (a loose index scan) but not for the recursive form; SQLite only for the recursive
// form (its GROUP BY reads the whole index). Measured on 1M rows: ~5 ms either way.
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
    const query =
      database.dialect === "mysql"
        ? sql`SELECT source, MAX(timestamp) AS last_seen FROM ${t} GROUP BY source`
        : sql`
          WITH RECURSIVE s(source) AS (
            SELECT MIN(source) FROM ${t}
            UNION ALL
            SELECT (SELECT MIN(x.source) FROM ${t} x WHERE x.source > s.source) FROM s WHERE s.source IS NOT NULL
          )
          SELECT source, (SELECT MAX(y.timestamp) FROM ${t} y WHERE y.source = s.source) AS last_seen
          FROM s WHERE source IS NOT NULL`;
    const rows = await database.all<{ source: string; last_seen: unknown }>(query);
    for (const row of rows) {
      out.push({ source: String(row.source), kind, lastSeen: database.readTime(row.last_seen) });
    }
  }
  return out;
}
