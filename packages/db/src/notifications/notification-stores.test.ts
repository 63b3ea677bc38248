// The notification stores' contract, run against the embedded SQLite and a real MariaDB.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "../../test/factories.ts";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../testing.ts";
import { ChannelStore, DuplicateChannelError } from "./channel-store.ts";
import { DeliveryOutbox, type NewDelivery } from "./delivery-outbox.ts";
import { SilenceStore } from "./silence-store.ts";

const uid = () => randomBytes(8).toString("hex");

function delivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id: `D${uid()}`,
    incidentId: `I${uid()}`,
    source: uniqueSource(),
    kind: "silence",
    channel: `ch-${uid()}`,
    type: "incident.opened",
    status: "pending",
    payload: JSON.stringify({ hello: "world" }),
    createdAt: new Date("2026-03-01T10:00:00.123Z"),
    ...overrides,
  };
}

describe.each(DIALECTS)("notification stores on %s", (dialect) => {
  let testDb: TestDatabase;
  let channels: ChannelStore;
  let silences: SilenceStore;
  let outbox: DeliveryOutbox;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    channels = new ChannelStore(testDb.database);
    silences = new SilenceStore(testDb.database);
    outbox = new DeliveryOutbox(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("stores a channel field for field and refuses a duplicate name", async () => {
    const name = `ops-${uid()}`;
    const fields = {
      type: "email" as const,
      url: null,
      to: ["a@example.test", "b@example.test"],
      secret: "s3cret-value",
      sources: ["cnbc", "webull"],
      kinds: ["silence" as const, "failures" as const],
      enabled: false,
    };
    const now = new Date("2026-03-01T10:00:00.456Z");
    await channels.create(name, fields, now);
    expect(await channels.get(name)).toEqual({ name, ...fields, createdAt: now, updatedAt: now });
    await expect(channels.create(name, fields)).rejects.toBeInstanceOf(DuplicateChannelError);
    const changed = await channels.update(name, { ...fields, enabled: true, secret: null, sources: null });
    expect(changed).toMatchObject({ enabled: true, secret: null, sources: null, createdAt: now });
    expect((await channels.list()).map((c) => c.name)).toContain(name);
    expect(await channels.delete(name)).toBe(true);
    expect(await channels.delete(name)).toBe(false);
    expect(await channels.update(name, fields)).toBeNull();
  });

  it("puts a channel whether or not it exists", async () => {
    const name = `default-${uid()}`;
    const fields = {
      type: "webhook" as const,
      url: "http://127.0.0.1:1/a",
      to: null,
      secret: null,
      sources: null,
      kinds: null,
      enabled: true,
    };
    await channels.put(name, fields);
    await channels.put(name, { ...fields, url: "http://127.0.0.1:1/b" });
    expect((await channels.get(name))?.url).toBe("http://127.0.0.1:1/b");
  });

  it("lists silences by whether they are in force, and ends one now", async () => {
    const now = new Date("2030-01-01T12:00:00.000Z");
    const hour = 3_600_000;
    const at = (offset: number) => new Date(now.getTime() + offset);
    const base = { sources: null, kinds: null, reason: "", createdAt: now };
    const current = {
      ...base,
      id: `S${uid()}`,
      startsAt: at(-hour),
      endsAt: at(hour),
      sources: ["cnbc"],
      reason: "deploy",
    };
    const future = {
      ...base,
      id: `S${uid()}`,
      startsAt: at(hour),
      endsAt: at(2 * hour),
      kinds: ["anomaly" as const],
    };
    await silences.create(current);
    await silences.create(future);
    const active = await silences.list({ active: true, now, limit: 100 });
    expect(active.map((s) => s.id)).toContain(current.id);
    expect(active.map((s) => s.id)).not.toContain(future.id);
    expect(await silences.get(current.id)).toEqual(current);
    const inactive = await silences.list({ active: false, now, limit: 100 });
    expect(inactive.map((s) => s.id)).toContain(future.id);

    const ended = await silences.end(current.id, now);
    expect(ended?.endsAt).toEqual(now);
    expect((await silences.active(now)).map((s) => s.id)).not.toContain(current.id);
    const endedFuture = await silences.end(future.id, now);
    expect(endedFuture).toMatchObject({ startsAt: now, endsAt: now });
    expect(await silences.end(`S${uid()}`, now)).toBeNull();
  });

  it("claims due deliveries once, however many claimants race", async () => {
    const channel = `race-${uid()}`;
    const due = Array.from({ length: 30 }, () => delivery({ channel }));
    const later = delivery({ channel, createdAt: new Date("2999-01-01T00:00:00Z") });
    await outbox.insert([...due, later]);
    const now = new Date("2026-03-01T11:00:00Z");
    const lease = new Date(now.getTime() + 60_000);
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => outbox.claim(channel, `claimant-${uid()}-${i}`, now, lease, 7)),
    );
    const ids = claims.flat().map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThanOrEqual(30);
    expect(ids).not.toContain(later.id);
    // What a racing round missed is claimed by the next; nothing is claimed twice while leased.
    const rest = await outbox.claim(channel, `claimant-${uid()}`, now, lease, 100);
    expect(new Set([...ids, ...rest.map((d) => d.id)]).size).toBe(30);
    expect(await outbox.claim(channel, `claimant-${uid()}`, now, lease, 100)).toEqual([]);
    // Once the lease has expired, another claimant may take them over.
    const afterLease = new Date(lease.getTime() + 1);
    const taken = await outbox.claim(
      channel,
      `claimant-${uid()}`,
      afterLease,
      new Date(afterLease.getTime() + 60_000),
      100,
    );
    expect(taken).toHaveLength(30);
  });

  it("records each outcome of an attempt, only for the current claimant", async () => {
    const channel = `outcome-${uid()}`;
    const rows = [delivery({ channel }), delivery({ channel }), delivery({ channel })];
    await outbox.insert(rows);
    const now = new Date("2026-03-01T11:00:00Z");
    const claimant = `c-${uid()}`;
    const claimed = await outbox.claim(channel, claimant, now, new Date(now.getTime() + 60_000), 10);
    expect(claimed.map((d) => d.id).sort()).toEqual(rows.map((d) => d.id).sort());
    const [sent, retried, failed] = rows.map((r) => r.id) as [string, string, string];
    await outbox.recordSent(sent, "someone-else", now);
    expect((await outbox.get(sent))?.status).toBe("pending");
    await outbox.recordSent(sent, claimant, now);
    const retryAt = new Date(now.getTime() + 1000);
    await outbox.recordRetry(retried, claimant, "HTTP 500", retryAt);
    await outbox.recordFailed(failed, claimant, "HTTP 404");
    expect(await outbox.get(sent)).toMatchObject({
      status: "sent",
      attempts: 1,
      sentAt: now,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(await outbox.get(retried)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "HTTP 500",
      nextAttemptAt: retryAt,
    });
    expect(await outbox.get(failed)).toMatchObject({ status: "failed", attempts: 1, lastError: "HTTP 404" });
    // The retry is not due before its time, and is after.
    expect(await outbox.claim(channel, `c-${uid()}`, now, retryAt, 10)).toEqual([]);
    const again = await outbox.claim(
      channel,
      `c-${uid()}`,
      retryAt,
      new Date(retryAt.getTime() + 60_000),
      10,
    );
    expect(again.map((d) => d.id)).toEqual([retried]);
  });

  it("gives released claims back at once", async () => {
    const channel = `release-${uid()}`;
    await outbox.insert([delivery({ channel })]);
    const now = new Date("2026-03-01T11:00:00Z");
    const [claimed] = await outbox.claim(channel, `c-${uid()}`, now, new Date(now.getTime() + 60_000), 10);
    await outbox.unclaim([claimed?.id ?? ""]);
    expect(await outbox.claim(channel, `c-${uid()}`, now, new Date(now.getTime() + 60_000), 10)).toHaveLength(
      1,
    );
  });

  it("lists an incident's deliveries and releases a suppressed opening once", async () => {
    const incidentId = `I${uid()}`;
    const opened = delivery({ incidentId, status: "suppressed" });
    const other = delivery({ incidentId: `I${uid()}`, status: "suppressed" });
    await outbox.insert([opened, other]);
    expect((await outbox.forIncidents([incidentId])).map((d) => d.id)).toEqual([opened.id]);
    expect(await outbox.get(opened.id)).toMatchObject({
      status: "suppressed",
      attempts: 0,
      nextAttemptAt: null,
    });
    const waiting = (await outbox.awaitingRelease(10_000)).map((d) => d.id);
    expect(waiting).toEqual(expect.arrayContaining([opened.id, other.id]));

    const now = new Date();
    const [first, second] = await Promise.all([
      outbox.release([opened.id], `r-${uid()}`, now),
      outbox.release([opened.id], `r-${uid()}`, now),
    ]);
    expect([...(first ?? []), ...(second ?? [])].map((d) => d.id)).toEqual([opened.id]);
    await outbox.settle(other.incidentId, now);
    const left = (await outbox.awaitingRelease(10_000)).map((d) => d.id);
    expect(left).not.toContain(opened.id);
    expect(left).not.toContain(other.id);
  });

  it("fails a deleted channel's pending deliveries", async () => {
    const channel = `gone-${uid()}`;
    const [pending, suppressed] = [delivery({ channel }), delivery({ channel, status: "suppressed" })];
    await outbox.insert([pending, suppressed]);
    expect(await outbox.failChannel(channel, "channel deleted")).toBe(1);
    expect(await outbox.get(pending.id)).toMatchObject({ status: "failed", lastError: "channel deleted" });
    expect((await outbox.get(suppressed.id))?.status).toBe("suppressed");
  });

  it("keeps a channel's failure when an attempt in flight ends in a retry", async () => {
    const channel = `gone-${uid()}`;
    const pending = delivery({ channel });
    await outbox.insert([pending]);
    const claimant = `c-${uid()}`;
    const [claimed] = await outbox.claim(channel, claimant, new Date(), new Date(Date.now() + 60_000), 1);
    expect(claimed?.id).toBe(pending.id);
    await outbox.failChannel(channel, "channel deleted");
    await outbox.recordRetry(pending.id, claimant, "HTTP 500", new Date(Date.now() + 1_000));
    expect(await outbox.get(pending.id)).toMatchObject({
      status: "failed",
      lastError: "channel deleted",
      nextAttemptAt: null,
      attempts: 1,
    });
  });

  it("tells when the next pending delivery is due", async () => {
    expect(await outbox.nextDue()).toBeInstanceOf(Date);
  });
});
