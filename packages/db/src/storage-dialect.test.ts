// The storage contract itself, on both dialects: what every store relies on behaves the same on
// the embedded SQLite and on a real MariaDB.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, uniqueSource } from "../test/factories.ts";
import { ANOMALY_COLUMNS } from "./anomaly-store.ts";
import { withExclusiveLock } from "./exclusive-lock.ts";
import { type RowValue, sourceIn, whereAll } from "./storage-dialect.ts";
import { createTestDatabase, DIALECTS, holdLockElsewhere, type TestDatabase } from "./testing.ts";

function anomalyRow(source: string, detectedAt: Date, value = 1): RowValue[] {
  return [eventId(), source, "navigation_ms", value, 1, 3.5, "spike", detectedAt];
}

describe.each(DIALECTS)("the storage contract on %s", (dialect) => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
  });
  afterAll(async () => testDb.drop());

  const rowsOf = (source: string) =>
    testDb.database.all<{ id: string; value: number; detected_at: unknown }>(
      sql`SELECT id, value, detected_at FROM anomalies ${whereAll([sourceIn([source])])} ORDER BY id`,
    );

  it("inserts rows once, leaving a row whose key exists as it was", async () => {
    const { database } = testDb;
    const source = uniqueSource();
    const row = anomalyRow(source, new Date("2026-01-02T03:04:05.678Z"), 7);
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [row]);
    const changed = [...row];
    changed[3] = 8;
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [changed, anomalyRow(source, new Date())]);
    const rows = await rowsOf(source);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === row[0])?.value).toBe(7);
  });

  it("stores a bound Date in the time column and reads the same instant back", async () => {
    const { database } = testDb;
    const source = uniqueSource();
    const at = new Date("2025-12-31T23:59:59.123Z");
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [anomalyRow(source, at)]);
    const [row] = await rowsOf(source);
    expect(database.readTime(row?.detected_at).toISOString()).toBe(at.toISOString());
    const [found] = await database.all<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM anomalies WHERE source = ${source} AND detected_at >= ${at} AND detected_at < ${new Date(at.getTime() + 1)}`,
    );
    expect(Number(found?.n)).toBe(1);
  });

  it("splits a large insert into statements the database accepts", async () => {
    const source = uniqueSource();
    const rows = Array.from({ length: testDb.database.limits.rowsPerInsert * 2 + 3 }, () =>
      anomalyRow(source, new Date()),
    );
    await testDb.database.insertIgnore("anomalies", ANOMALY_COLUMNS, rows);
    expect(await rowsOf(source)).toHaveLength(rows.length);
  });

  it("upserts by key: inserts new rows and overwrites the other columns of existing ones", async () => {
    const { database } = testDb;
    const date = "2030-01-01";
    await database.upsert(
      "aggregation_runs",
      ["date"],
      [{ date, summarized_at: new Date(1_000), raw_rows: 5 }],
    );
    await database.upsert(
      "aggregation_runs",
      ["date"],
      [{ date, summarized_at: new Date(2_000), raw_rows: 9 }],
    );
    const rows = await database.all<{ raw_rows: number | string; summarized_at: unknown }>(
      sql`SELECT raw_rows, summarized_at FROM aggregation_runs WHERE date = ${date}`,
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.raw_rows)).toBe(9);
    expect(database.readTime(rows[0]?.summarized_at).getTime()).toBe(2_000);
  });

  it("deletes rows before a time in chunks of at most the limit", async () => {
    const { database } = testDb;
    const source = uniqueSource();
    // Far in the past, so only this test's rows are older than the cutoff.
    const old = new Date("1990-01-01T00:00:00Z");
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [
      ...Array.from({ length: 5 }, () => anomalyRow(source, old)),
      anomalyRow(source, new Date()),
    ]);
    const cutoff = new Date("1990-01-02T00:00:00Z");
    expect(await database.deleteBefore("anomalies", "detected_at", cutoff, 3)).toBe(3);
    expect(await database.deleteBefore("anomalies", "detected_at", cutoff, 3)).toBe(2);
    expect(await database.deleteBefore("anomalies", "detected_at", cutoff, 3)).toBe(0);
    expect(await rowsOf(source)).toHaveLength(1);
  });

  it("reads the greatest value of a column for each key", async () => {
    const { database } = testDb;
    const [a, b] = [uniqueSource("a"), uniqueSource("b")];
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [
      anomalyRow(a, new Date("2026-02-01T00:00:00Z")),
      anomalyRow(a, new Date("2026-02-03T00:00:00Z")),
      anomalyRow(b, new Date("2026-02-02T00:00:00Z")),
    ]);
    const byKey = new Map(
      (await database.maxByKey("anomalies", "source", "detected_at")).map((r) => [r.key, r.max]),
    );
    expect(database.readTime(byKey.get(a)).toISOString()).toBe("2026-02-03T00:00:00.000Z");
    expect(database.readTime(byKey.get(b)).toISOString()).toBe("2026-02-02T00:00:00.000Z");
  });

  it("answers the rows a statement matched, and runs statements atomically", async () => {
    const { database } = testDb;
    const source = uniqueSource();
    const rows = [anomalyRow(source, new Date()), anomalyRow(source, new Date())];
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, rows);
    expect(await database.run(sql`UPDATE anomalies SET value = 2 WHERE source = ${source}`)).toBe(2);
    const claim = sql`UPDATE anomalies SET direction = 'drop' WHERE id = ${rows[0]?.[0] ?? ""} AND direction = 'spike'`;
    expect(await database.atomically([claim, claim])).toEqual([1, 0]);

    // The second statement fails, so the first is rolled back with it.
    const failing = database.atomically([
      sql`UPDATE anomalies SET value = 3 WHERE source = ${source}`,
      sql`INSERT INTO anomalies (id) VALUES (${rows[1]?.[0] ?? ""})`,
    ]);
    await expect(failing).rejects.toBeDefined();
    expect((await rowsOf(source)).map((r) => r.value)).toEqual([2, 2]);
  });

  it("tells refused rows from other failures", async () => {
    const { database } = testDb;
    const row = anomalyRow(uniqueSource(), new Date());
    await database.insertIgnore("anomalies", ANOMALY_COLUMNS, [row]);
    const values = sql.join(
      row.map((value) => sql`${value}`),
      sql`, `,
    );
    const duplicate = await database
      .run(sql`INSERT INTO anomalies (${sql.raw(ANOMALY_COLUMNS.join(", "))}) VALUES (${values})`)
      .catch((error: unknown) => error);
    expect(database.isDataError(duplicate)).toBe(true);
    const syntax = await database.all(sql`SELEC 1`).catch((e: unknown) => e);
    expect(database.isDataError(syntax)).toBe(false);
  });

  it("lets one holder at a time have a named lock, across handles", async () => {
    const name = `lock_${eventId()}`;
    const release = await holdLockElsewhere(testDb, name);
    expect(await withExclusiveLock(testDb.database, name, async () => 1)).toEqual({ ran: false });
    await release();
    expect(await withExclusiveLock(testDb.database, name, async () => 1)).toEqual({ ran: true, value: 1 });
  });

  it("refuses a table or column name that is not a plain identifier", async () => {
    await expect(
      testDb.database.deleteBefore("anomalies; DROP TABLE anomalies", "detected_at", new Date(), 1),
    ).rejects.toThrow(/identifier/);
  });
});
