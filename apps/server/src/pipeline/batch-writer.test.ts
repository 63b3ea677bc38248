import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetricStore } from "@scrapewatch/db";
import { createTestDatabase, type TestDatabase } from "@scrapewatch/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedEvents, uniqueSource } from "../../test/factories.ts";
import { createLogger } from "../logger.ts";
import { BatchWriter } from "./batch-writer.ts";
import { DeadLetterFile } from "./dead-letter.ts";
import { SpillFile } from "./spill-file.ts";

describe("BatchWriter on MariaDB", () => {
  let testDb: TestDatabase;
  let store: MetricStore;
  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  beforeAll(async () => {
    testDb = await createTestDatabase("mysql");
    store = new MetricStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("dead-letters only the rows the database refuses and stores the rest", async () => {
    const source = uniqueSource();
    const deadLetter = new DeadLetterFile(join(dir, "dl.ndjson"));
    const writer = new BatchWriter({
      store,
      dialect: "mysql",
      deadLetter,
      logger: createLogger("silent"),
      flushIntervalMs: 10,
      flushBatchSize: 1,
    });
    const good = storedEvents(source, 40);
    const [bad] = storedEvents("x".repeat(300), 1);
    if (!bad) throw new Error("no event");
    writer.enqueue([...good.slice(0, 20), bad, ...good.slice(20)]);
    const left = await writer.drain(Date.now() + 10_000);
    expect(left).toEqual([]);
    expect(await store.count([source])).toBe(40);
    expect(deadLetter.count).toBe(1);
    const [line] = readFileSync(join(dir, "dl.ndjson"), "utf8").trim().split("\n");
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      metric: { id: bad.metric.id },
      reason: expect.stringMatching(/too long/i),
    });
  });

  it("hands back what it could not write when the database is gone, for the spill file", async () => {
    const source = uniqueSource();
    const gone = await createTestDatabase("mysql");
    await gone.database.close();
    const writer = new BatchWriter({
      store: new MetricStore(gone.database),
      dialect: "mysql",
      deadLetter: new DeadLetterFile(join(dir, "dl2.ndjson")),
      logger: createLogger("silent"),
      flushIntervalMs: 10,
      flushBatchSize: 1,
    });
    const queued = storedEvents(source, 10);
    writer.enqueue(queued);
    const left = await writer.drain(Date.now() + 300);
    await gone.drop();
    expect(left).toEqual(queued);
    const spill = new SpillFile(join(dir, "spill.ndjson"));
    await spill.save(left);
    expect(await spill.load()).toEqual(queued);
    await spill.clear();
    expect(await spill.load()).toEqual([]);
  });
});
