// Events still unwritten when the server must exit (the database is away) are kept here and
// written first at the next start, so a shutdown during an outage loses nothing. Written and
// read as streams (never one string: a large outage would not fit), private (0600), removed
// only once its events are stored; a line that does not parse is set aside in `<path>.corrupt`.
import { createReadStream, createWriteStream } from "node:fs";
import { appendFile, mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { StoredEvent } from "@scrapewatch/db";
import type { Logger } from "../logger.ts";

export class SpillFile {
  /** Lines of the last load that did not parse (set aside, not loaded). */
  corrupt = 0;
  /** Saves and clears run one after another, in call order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly logger?: Logger,
  ) {}

  /** Appends the events (after any a previous run left). */
  save(events: readonly StoredEvent[]): Promise<void> {
    return this.serially(async () => {
      if (events.length === 0) return;
      await mkdir(dirname(this.path), { recursive: true });
      const out = createWriteStream(this.path, { flags: "a", mode: 0o600 });
      const finished = new Promise<void>((resolve, reject) => {
        out.once("error", reject);
        out.once("finish", resolve);
      });
      for (const event of events) {
        if (!out.write(`${JSON.stringify(event)}\n`)) {
          await new Promise<void>((resolve, reject) => {
            out.once("drain", resolve);
            out.once("error", reject);
          });
        }
      }
      out.end();
      await finished;
    });
  }

  /** What a previous run left; call clear() once it is stored. */
  async load(): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    this.corrupt = 0;
    const input = createReadStream(this.path, { encoding: "utf8" });
    const missing = new Promise<boolean>((resolve) => {
      input.once("error", () => resolve(true));
      input.once("open", () => resolve(false));
    });
    if (await missing) return events;
    const set = [];
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() === "") continue;
      const event = parseEvent(line);
      if (event) events.push(event);
      else set.push(line);
    }
    if (set.length > 0) {
      this.corrupt = set.length;
      await appendFile(`${this.path}.corrupt`, `${set.join("\n")}\n`, { mode: 0o600 });
      this.logger?.warn("spill file lines that do not parse were set aside", {
        count: set.length,
        path: `${this.path}.corrupt`,
      });
    }
    return events;
  }

  clear(): Promise<void> {
    return this.serially(() => rm(this.path, { force: true }));
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => {});
    return run;
  }
}

function parseEvent(line: string): StoredEvent | null {
  try {
    const value = JSON.parse(line) as Partial<StoredEvent> | null;
    if (typeof value?.position !== "string" || typeof value.metric?.id !== "string") return null;
    return value as StoredEvent;
  } catch {
    return null;
  }
}
