// Rows the database refused for their data are appended here as NDJSON, with the reason, so
// nothing accepted disappears silently and nothing is retried forever. The file is private
// (0600: events may hold scraped URLs and error texts), rotated to `<path>.1` past its size cap,
// and a failure to write it is logged and counted, never thrown: the writer would otherwise
// take it for a database outage and retry the same rows forever.
import { mkdir, open, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { StoredEvent } from "@scrapewatch/db";
import type { Logger } from "../logger.ts";

export interface DeadLetterOptions {
  /** Past this size the file is renamed to `<path>.1` (replacing the previous one). */
  maxBytes?: number;
  logger?: Logger;
}

export class DeadLetterFile {
  /** Rows written to the file. */
  count = 0;
  /** Rows that could not be written to it (logged instead). */
  failures = 0;
  private size: number | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly options: DeadLetterOptions = {},
  ) {}

  /** Appends the rows; resolves false (after logging them) when the file cannot be written. */
  write(events: readonly StoredEvent[], reason: string): Promise<boolean> {
    if (events.length === 0) return Promise.resolve(true);
    const written = this.chain.then(() => this.append(events, reason));
    this.chain = written;
    return written;
  }

  private async append(events: readonly StoredEvent[], reason: string): Promise<boolean> {
    const at = new Date().toISOString();
    const text = `${events.map((event) => JSON.stringify({ at, reason, position: event.position, metric: event.metric })).join("\n")}\n`;
    const bytes = Buffer.byteLength(text);
    try {
      await mkdir(dirname(this.path), { recursive: true });
      this.size ??= await stat(this.path).then(
        (info) => info.size,
        () => 0,
      );
      const max = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
      if (this.size > 0 && this.size + bytes > max) {
        await rename(this.path, `${this.path}.1`);
        this.size = 0;
      }
      const file = await open(this.path, "a", 0o600);
      try {
        await file.writeFile(text);
      } finally {
        await file.close();
      }
      this.size += bytes;
      this.count += events.length;
      return true;
    } catch (error) {
      this.failures += events.length;
      this.size = null;
      // The log is the last place these rows exist: they go there whole.
      this.options.logger?.error("dead-letter file not writable; refused rows logged here instead", {
        path: this.path,
        err: error,
        reason,
        events: events.map((event) => ({ position: event.position, metric: event.metric })),
      });
      return false;
    }
  }
}
