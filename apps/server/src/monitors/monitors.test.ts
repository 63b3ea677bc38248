// Monitors and incidents through the public API of a real server: settings, validation, silence,
// missed runs, hung and failed runs, scraper failure and block rates, the incident stream.
import { MonitorStore } from "@scrapewatch/db";
import type { Incident, IncidentEvent, Monitor } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { eventually, ingest, startTestServer, type TestServer } from "../../test/test-server.ts";

describe("monitors and incidents", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MONITOR_TICK_MS: "50", ADMIN_TOKENS: "admin-secret" } });
  });
  afterAll(async () => server.stop());

  const put = (source: string, body: unknown, token = "admin-secret") =>
    fetch(`${server.url}/api/v1/monitors/${source}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const monitor = async (source: string) =>
    (await (await fetch(`${server.url}/api/v1/monitors/${source}`)).json()) as Monitor;
  const incidents = async (query: string) =>
    ((await (await fetch(`${server.url}/api/v1/incidents?${query}`)).json()) as { items: Incident[] }).items;
  const incidentEvents = (stream: SseStream) =>
    stream.events.filter((e) => e.event === "incident").map((e) => JSON.parse(e.data) as IncidentEvent);

  it("catches up with settings whose broadcast never arrived when it reloads them", async () => {
    const source = uniqueSource();
    expect((await put(source, { silenceAfterSeconds: 600 })).status).toBe(200);
    // Past the evaluator's own reload when it took over, so only the explicit one below reads.
    const monitors = server.services.monitors;
    await eventually(
      () => monitors.isEvaluator,
      (evaluating) => evaluating,
    );
    await monitors.tick();
    // Changed in the database by another instance whose broadcast was lost (Redis away).
    const store = new MonitorStore(server.services.database);
    const [stored] = (await store.listSettings()).filter((entry) => entry.source === source);
    if (!stored) throw new Error("settings not stored");
    await store.putSettings({
      ...stored,
      settings: JSON.stringify({ ...JSON.parse(stored.settings), paused: true }),
    });
    expect((await monitor(source)).settings.paused).toBe(false);
    await monitors.reloadSettings();
    expect(await monitor(source)).toMatchObject({
      state: "paused",
      settings: { paused: true, silenceAfterSeconds: 600 },
    });

    await store.deleteSettings(source);
    await monitors.reloadSettings();
    expect((await fetch(`${server.url}/api/v1/monitors/${source}`)).status).toBe(404);
  });

  it("gives every source a monitor from its first event, with defaults and state new", async () => {
    const source = uniqueSource();
    expect((await fetch(`${server.url}/api/v1/monitors/${source}`)).status).toBe(404);
    await ingest(server, [navigationEvent(source)]);
    const found = await eventually(
      () => fetch(`${server.url}/api/v1/monitors/${source}`),
      (r) => r.status === 200,
    );
    const body = (await found.json()) as Monitor;
    expect(body).toMatchObject({
      source,
      kind: "scraper",
      state: "new",
      settings: { silenceAfterSeconds: "auto", schedule: null, paused: false },
      openIncidents: [],
    });
    const listed = (await (await fetch(`${server.url}/api/v1/monitors?state=new&limit=1000`)).json()) as {
      items: Monitor[];
    };
    expect(listed.items.some((m) => m.source === source)).toBe(true);
    const exposition = await (await fetch(`${server.url}/metrics`)).text();
    expect(exposition).toMatch(/^scrapewatch_monitors\{state="new"\} [1-9]/m);
  });

  it("refuses bad settings with a 400 naming the field, and needs the admin token", async () => {
    const source = uniqueSource();
    const field = async (body: unknown) => {
      const response = await put(source, body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: { details: { issues: { param: string }[] } } };
      return answer.error.details.issues[0]?.param;
    };
    expect(await field({ schedule: { cron: "not a cron" } })).toBe("schedule.cron");
    expect(await field({ schedule: { cron: "61 * * * *" } })).toBe("schedule.cron");
    expect(await field({ schedule: { cron: "0 2 * * *", timezone: "Mars/Olympus" } })).toBe(
      "schedule.timezone",
    );
    expect(await field({ schedule: { everySeconds: 60, graceSeconds: -1 } })).toBe("schedule.graceSeconds");
    expect(await field({ silenceAfterSeconds: "sometimes" })).toBe("silenceAfterSeconds");
    expect((await put(source, { paused: true }, "wrong")).status).toBe(403);
  });

  it("configures a job before it runs, merges later changes, and goes back to defaults", async () => {
    const source = uniqueSource("job");
    const response = await put(source, { schedule: { cron: "0 2 * * *", timezone: "Europe/Berlin" } });
    expect(response.status).toBe(200);
    const configured = (await response.json()) as Monitor;
    expect(configured).toMatchObject({ kind: "scheduler", state: "up" });
    expect(configured.nextExpectedAt).not.toBeNull();
    const merged = (await (await put(source, { failureThreshold: { consecutive: 3 } })).json()) as Monitor;
    expect(merged.settings.schedule).toMatchObject({
      cron: "0 2 * * *",
      timezone: "Europe/Berlin",
      graceSeconds: 300,
    });
    expect(merged.settings.failureThreshold.consecutive).toBe(3);
    const reset = await fetch(`${server.url}/api/v1/monitors/${source}`, {
      method: "DELETE",
      headers: { authorization: "Bearer admin-secret" },
    });
    expect(reset.status).toBe(204);
    expect((await fetch(`${server.url}/api/v1/monitors/${source}`)).status).toBe(404);
  });

  it("opens a silence incident, streams it without an id, and resolves it at the next event", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    const other = await SseStream.open(`${server.url}/api/v1/stream?sources=${uniqueSource()}`);
    try {
      await put(source, { silenceAfterSeconds: 1 });
      await ingest(server, [navigationEvent(source)]);
      await stream.waitFor("incident", 1);
      const [opened] = incidentEvents(stream);
      expect(opened).toMatchObject({
        action: "opened",
        incident: { source, kind: "silence", state: "open" },
      });
      expect(stream.events.find((e) => e.event === "incident")?.id).toBeUndefined();
      expect((await monitor(source)).state).toBe("down");
      expect((await incidents(`source=${source}&state=open`)).map((i) => i.id)).toEqual([
        opened?.incident.id,
      ]);

      await ingest(server, [navigationEvent(source)]);
      await stream.waitFor("incident", 2);
      expect(incidentEvents(stream)[1]).toMatchObject({
        action: "resolved",
        incident: { id: opened?.incident.id },
      });
      const one = (await (
        await fetch(`${server.url}/api/v1/incidents/${opened?.incident.id}`)
      ).json()) as Incident;
      expect(one).toMatchObject({ state: "resolved", notifications: [] });
      expect(incidentEvents(other)).toEqual([]);
    } finally {
      stream.close();
      other.close();
    }
  });

  it("opens missed_run when an interval job does not run, and resolves it at the next run", async () => {
    const source = uniqueSource("job");
    await put(source, { schedule: { everySeconds: 1, graceSeconds: 0 } });
    const open = await eventually(
      () => incidents(`source=${source}&kind=missed_run&state=open`),
      (items) => items.length === 1,
    );
    expect(open[0]?.summary).toContain("did not run");
    await ingest(server, [schedulerEvent(source)]);
    await eventually(
      () => incidents(`source=${source}&kind=missed_run&state=resolved`),
      (items) => items.length === 1,
    );
  });

  it("tracks a started run: overdue past its max runtime, resolved when it finishes", async () => {
    const source = uniqueSource("job");
    await put(source, { maxRuntimeSeconds: 1 });
    await ingest(server, [{ type: "scheduler", source, state: "started", runId: "run-42" }]);
    await eventually(
      () => monitor(source),
      (m) => m.runningSince !== null,
    );
    const [overdue] = await eventually(
      () => incidents(`source=${source}&kind=run_overdue`),
      (items) => items.length === 1,
    );
    expect(overdue).toMatchObject({ key: "run-42", state: "open" });
    expect((await monitor(source)).state).toBe("failing");
    await ingest(server, [schedulerEvent(source, { runId: "run-42", durationMs: 1500 })]);
    await eventually(
      () => incidents(`source=${source}&kind=run_overdue&state=resolved`),
      (items) => items.length === 1,
    );
    expect((await monitor(source)).runningSince).toBeNull();
  });

  it("opens failures for a failed run and resolves them with a successful one", async () => {
    const source = uniqueSource("job");
    await ingest(server, [schedulerEvent(source, { success: false, error: "exit 1" })]);
    await eventually(
      () => incidents(`source=${source}&kind=failures&state=open`),
      (items) => items.length === 1,
    );
    await ingest(server, [schedulerEvent(source)]);
    await eventually(
      () => incidents(`source=${source}&kind=failures&state=resolved`),
      (items) => items.length === 1,
    );
  });

  it("opens failures and blocked for a scraper past its rates, and resolves below half", async () => {
    const source = uniqueSource();
    await put(source, {
      failureThreshold: { ratePercent: 50, window: 10 },
      blockThreshold: { ratePercent: 30, window: 10 },
    });
    const bad = Array.from({ length: 10 }, () => navigationEvent(source, { success: false, blocked: true }));
    await ingest(server, bad);
    const open = await eventually(
      () => incidents(`source=${source}&state=open`),
      (items) => items.length === 2,
    );
    expect(open.map((i) => i.kind).sort()).toEqual(["blocked", "failures"]);
    // 7 good of the last 10: 30 % failed and blocked — below 50 % but not below half of it: open.
    await ingest(
      server,
      Array.from({ length: 7 }, () => navigationEvent(source)),
    );
    await eventually(
      () => monitor(source),
      (m) => m.lastEventAt !== null,
    );
    expect((await incidents(`source=${source}&kind=failures&state=open`)).length).toBe(1);
    await ingest(
      server,
      Array.from({ length: 3 }, () => navigationEvent(source)),
    );
    await eventually(
      () => incidents(`source=${source}&state=resolved`),
      (items) => items.length === 2,
    );
  });

  it("opens nothing for a paused monitor", async () => {
    const source = uniqueSource("job");
    await put(source, { paused: true });
    await ingest(server, [schedulerEvent(source, { success: false })]);
    await eventually(
      () => monitor(source),
      (m) => m.lastEventAt !== null && m.state === "paused",
    );
    await server.services.monitors.tick();
    await server.services.monitors.lifecycle.idle();
    expect(await incidents(`source=${source}`)).toEqual([]);
  });
});
