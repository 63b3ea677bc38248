// The dead-letter and spill files: private, bounded, and never a reason to lose or re-try rows.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetricStore } from "@scrapewatch/db";
import { createTestDatabase } from "@scrapewatch/db/testing";
import { describe, expect, it } from "vitest";
import { storedEvents, uniqueSource } from "../../test/factories.ts";
import { countStored, eventually, startTestServer } from "../../test/test-server.ts";
import { createLogger } from "../logger.ts";
import { BatchWriter } from "./batch-writer.ts";
import { DeadLetterFile } from "./dead-letter.ts";
import { SpillFile } from "./spill-file.ts";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("dead-letter file", () => {
  it("is created 0600 and rotated to .1 past DEAD_LETTER_MAX_BYTES", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "dl-")), "dead.ndjson");
    const file = new DeadLetterFile(path, { maxBytes: 4096 });
    const error = "e".repeat(1000);
    for (let i = 0; i < 10; i++)
      expect(await file.write(storedEvents("dl", 1, error), "too long")).toBe(true);
    expect(mode(path)).toBe(0o600);
    expect(statSync(path).size).toBeLessThanOrEqual(4096);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(file.count).toBe(10);
  });

  it("a dead-letter file that cannot be written is logged and counted, not taken for an outage", async () => {
    const testDb = await createTestDatabase("mysql");
    const lines: string[] = [];
    const logger = createLogger("info", {}, (line) => lines.push(line));
    // Its directory is a regular file: every write fails.
    const blocker = join(mkdtempSync(join(tmpdir(), "dl-")), "not-a-dir");
    writeFileSync(blocker, "");
    const deadLetter = new DeadLetterFile(join(blocker, "dead.ndjson"), { logger });
    const store = new MetricStore(testDb.database);
    const writer = new BatchWriter({
      store,
      dialect: "mysql",
      deadLetter,
      logger,
      flushIntervalMs: 10,
      flushBatchSize: 1,
    });
    const source = uniqueSource();
    const [bad] = storedEvents("x".repeat(300), 1);
    if (!bad) throw new Error("no event");
    writer.enqueue([bad, ...storedEvents(source, 5)]);
    const left = await writer.drain(Date.now() + 5_000);
    expect(left).toEqual([]);
    expect(writer.healthy).toBe(true);
    expect(deadLetter.failures).toBe(1);
    expect(await store.count([source])).toBe(5);
    expect(
      lines.some((line) => line.includes("dead-letter file not writable") && line.includes(bad.metric.id)),
    ).toBe(true);
    await testDb.drop();
  });
});

describe("spill file", () => {
  it("is written 0600 as a stream and sets a corrupt line aside instead of failing", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "spill-")), "unwritten.ndjson");
    const spill = new SpillFile(path);
    const saved = storedEvents("spill", 20_000, "e".repeat(500));
    await spill.save(saved.slice(0, 10_000));
    await spill.save(saved.slice(10_000));
    expect(mode(path)).toBe(0o600);
    writeFileSync(path, `${readFileSync(path, "utf8")}{"truncated": \n`);
    const loaded = await spill.load();
    expect(loaded).toHaveLength(20_000);
    expect(loaded.at(-1)).toEqual(saved.at(-1));
    expect(spill.corrupt).toBe(1);
    expect(readFileSync(`${path}.corrupt`, "utf8")).toContain("truncated");
  });

  it.each(["sqlite", "mysql"] as const)(
    "is removed at start-up only once its events are stored (%s)",
    async (dialect) => {
      const dir = mkdtempSync(join(tmpdir(), "spill-start-"));
      const source = uniqueSource();
      const spilled = storedEvents(source, 50);
      const spill = new SpillFile(join(dir, "unwritten.ndjson"));
      await spill.save(spilled);
      writeFileSync(
        join(dir, "unwritten.ndjson"),
        `${readFileSync(join(dir, "unwritten.ndjson"), "utf8")}not json\n`,
      );
      chmodSync(join(dir, "unwritten.ndjson"), 0o600);
      const server = await startTestServer({
        dialect,
        dir,
        env: { FLUSH_INTERVAL_MS: "600000", FLUSH_BATCH_SIZE: "100000" },
      });
      // Nothing stored yet (the writer waits for its interval): the file must still be there.
      expect(existsSync(join(dir, "unwritten.ndjson"))).toBe(true);
      server.services.writer.kick();
      await eventually(
        () => countStored(server.databaseUrl, [source]),
        (n) => n === 50,
      );
      await eventually(
        () => existsSync(join(dir, "unwritten.ndjson")),
        (exists) => !exists,
      );
      expect(readFileSync(join(dir, "unwritten.ndjson.corrupt"), "utf8")).toContain("not json");
      await server.stop();
    },
  );
});
