// The monitor and incident stores' contract, on the embedded SQLite and a real MariaDB.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, uniqueSource } from "../test/factories.ts";
import { IncidentStore, type StoredIncident } from "./incident-store.ts";
import { MonitorStore } from "./monitor-store.ts";
import { createTestDatabase, DIALECTS, type TestDatabase } from "./testing.ts";

function incident(source: string, overrides: Partial<StoredIncident> = {}): StoredIncident {
  return {
    id: eventId(),
    source,
    kind: "silence",
    key: "",
    state: "open",
    openedAt: new Date("2026-03-01T10:00:00.123Z"),
    resolvedAt: null,
    summary: `${source} has sent nothing for 25 minutes`,
    details: { silentForSeconds: 1500 },
    silenced: false,
    ...overrides,
  };
}

describe.each(DIALECTS)("monitor and incident stores on %s", (dialect) => {
  let testDb: TestDatabase;
  let monitors: MonitorStore;
  let incidents: IncidentStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    monitors = new MonitorStore(testDb.database);
    incidents = new IncidentStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("keeps, replaces and deletes a monitor's settings", async () => {
    const source = uniqueSource();
    const setAt = new Date("2026-03-01T00:00:00.250Z");
    await monitors.putSettings({
      source,
      settings: '{"paused":true}',
      scheduleSetAt: setAt,
      updatedAt: setAt,
    });
    await monitors.putSettings({
      source,
      settings: '{"paused":false}',
      scheduleSetAt: null,
      updatedAt: setAt,
    });
    const mine = (await monitors.listSettings()).filter((s) => s.source === source);
    expect(mine).toEqual([{ source, settings: '{"paused":false}', scheduleSetAt: null, updatedAt: setAt }]);
    await monitors.deleteSettings(source);
    expect((await monitors.listSettings()).some((s) => s.source === source)).toBe(false);
  });

  it("upserts monitor states in bulk", async () => {
    const sources = Array.from({ length: 450 }, () => uniqueSource());
    const at = new Date("2026-03-01T00:00:01.500Z");
    await monitors.saveStates(
      sources.map((source) => ({ source, kind: "scraper", state: "{}", updatedAt: at })),
    );
    await monitors.saveStates(
      sources.slice(0, 2).map((source) => ({ source, kind: "scheduler", state: '{"a":1}', updatedAt: at })),
    );
    const states = new Map((await monitors.listStates()).map((s) => [s.source, s]));
    expect(sources.every((s) => states.has(s))).toBe(true);
    expect(states.get(sources[0] ?? "")).toMatchObject({
      kind: "scheduler",
      state: '{"a":1}',
      updatedAt: at,
    });
    expect(states.get(sources[3] ?? "")).toMatchObject({ kind: "scraper", state: "{}" });
  });

  it("opens one incident per (source, kind, key) and a new one after it resolved", async () => {
    const source = uniqueSource();
    const first = await incidents.open(incident(source));
    expect(first.created).toBe(true);
    const again = await incidents.open(incident(source));
    expect(again).toEqual({ incident: first.incident, created: false });
    const otherKey = await incidents.open(incident(source, { kind: "run_overdue", key: "run-7" }));
    expect(otherKey.created).toBe(true);

    const resolvedAt = new Date("2026-03-01T10:05:00.999Z");
    const resolved = await incidents.resolve(first.incident.id, resolvedAt);
    expect(resolved).toMatchObject({ state: "resolved", resolvedAt });
    expect(await incidents.resolve(first.incident.id, resolvedAt)).toBeNull();
    const reopened = await incidents.open(incident(source));
    expect(reopened.created).toBe(true);
    expect(await incidents.get(first.incident.id)).toEqual({
      ...first.incident,
      state: "resolved",
      resolvedAt,
    });
  });

  it("lists newest first, filtered and paged", async () => {
    const source = uniqueSource();
    const opened: StoredIncident[] = [];
    for (const key of ["a", "b", "c", "d"]) {
      opened.push((await incidents.open(incident(source, { kind: "anomaly", key }))).incident);
    }
    await incidents.resolve(opened[0]?.id ?? "", new Date());
    const page1 = await incidents.list({ source, limit: 3 });
    expect(page1.map((i) => i.key)).toEqual(["d", "c", "b"]);
    const page2 = await incidents.list({ source, limit: 3, after: page1[2]?.id });
    expect(page2.map((i) => i.key)).toEqual(["a"]);
    expect((await incidents.list({ source, state: "resolved", limit: 10 })).map((i) => i.key)).toEqual(["a"]);
    expect(await incidents.list({ source, kind: "silence", limit: 10 })).toEqual([]);
    const open = (await incidents.listOpen()).filter((i) => i.source === source);
    expect(open.map((i) => i.key)).toEqual(["b", "c", "d"]);
  });
});
