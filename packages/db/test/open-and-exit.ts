// Child process of sqlite-worker.test.ts: opens a SQLite database, stores a row, optionally
// closes it, and then has nothing left to do, so the process must exit by itself.
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/database.ts";

const [file, close] = process.argv.slice(2);
const database = await openDatabase(`file:${file}`);
await database.run(
  sql`INSERT INTO scheduler_metrics (id, position, source, duration_ms, success, timestamp) VALUES ('a', 'p', 's', 1, 1, 0)`,
);
const [row] = await database.all<{ n: number }>(sql`SELECT COUNT(*) AS n FROM scheduler_metrics`);
console.log(`stored ${row?.n}`);
if (close === "true") await database.close();
