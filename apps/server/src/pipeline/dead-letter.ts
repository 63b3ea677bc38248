// Rows the database refused for their data are appended here as NDJSON, with the reason, so
// nothing accepted disappears silently and nothing is retried forever.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { StoredEvent } from "@scrapewatch/db";

export class DeadLetterFile {
  count = 0;

  constructor(private readonly path: string) {}

  async write(events: readonly StoredEvent[], reason: string): Promise<void> {
    if (events.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    const at = new Date().toISOString();
    const lines = events.map((event) =>
      JSON.stringify({ at, reason, position: event.position, metric: event.metric }),
    );
    await appendFile(this.path, `${lines.join("\n")}\n`);
    this.count += events.length;
  }
}
