// A lock file beside an SQLite database, naming the process that holds it. A stale file of a
// dead process is taken over, so a crash never leaves the lock held.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

/** Takes the lock file if free (or stale); answers its release, or null if a live process holds it. */
export function tryFileLock(path: string): (() => Promise<void>) | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return async () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (holderAlive(path)) return null;
      rmSync(path, { force: true });
    }
  }
  return null;
}

function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, "utf8").trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
