// Events still unwritten when the server must exit (the database is away) are kept here and
// written first at the next start, so a shutdown during an outage loses nothing.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { StoredEvent } from "@scrapewatch/db";

export class SpillFile {
  constructor(private readonly path: string) {}

  async save(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    const body = events.map((event) => JSON.stringify(event)).join("\n");
    const existing = await readFile(this.path, "utf8").catch(() => "");
    await writeFile(`${this.path}.tmp`, existing + body + "\n");
    await rename(`${this.path}.tmp`, this.path);
  }

  /** What a previous run left; call clear() once it is written. */
  async load(): Promise<StoredEvent[]> {
    const text = await readFile(this.path, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as StoredEvent);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
