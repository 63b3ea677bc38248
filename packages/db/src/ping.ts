// Whether the database answers at all (readiness), within a deadline.
import { sql } from "drizzle-orm";
import type { StorageDialect } from "./storage-dialect.ts";

export async function pingDatabase(database: StorageDialect, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      database.all(sql`SELECT 1 AS ok`).then(
        () => true,
        () => false,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
