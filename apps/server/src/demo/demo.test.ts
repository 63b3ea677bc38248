import { seededRandom } from "@scrapewatch/db/testing";
import type { IncidentKind } from "@scrapewatch/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { countStored, eventually, startTestServer, type TestServer } from "../../test/test-server.ts";
import { createLogger } from "../logger.ts";
import { startDemo, simulateSchedulerRun, simulateVisit } from "./demo.ts";
import { DEMO_JOB } from "./demo-job.ts";
import { SCHEDULER, SCRAPERS } from "./profiles.ts";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

describe("synthetic scrapers", () => {
  it("have realistic durations, mostly succeed, sometimes retry, and now and then fail", () => {
    const random = seededRandom(42);
    const robinhood = SCRAPERS[0];
    if (!robinhood) throw new Error("no profiles");
    const visits = Array.from({ length: 2000 }, () => simulateVisit(robinhood, random, null));
    const durations = visits.map((v) => v.navigation.durationMs).sort((a, b) => a - b);
    const median = durations[1000] ?? 0;
    expect(median).toBeGreaterThan(1200);
    expect(median).toBeLessThan(1700);
    expect(durations[1980] ?? 0).toBeGreaterThan(median * 1.8); // a long right tail
    const retried = visits.filter((v) => (v.navigation.retryCount ?? 0) > 0).length;
    // Failures besides the occasional 429 (a block, counted apart).
    const failed = visits.filter((v) => !v.navigation.success && !v.navigation.blocked).length;
    const rateLimited = visits.filter((v) => v.navigation.statusCode === 429).length;
    expect(rateLimited).toBeGreaterThan(10);
    expect(rateLimited).toBeLessThan(100);
    expect(retried).toBeGreaterThan(20);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(40);
    const scrapes = visits.flatMap((v) => (v.scrape ? [v.scrape] : []));
    expect(scrapes.filter((s) => s.success).every((s) => (s.itemsExtracted ?? 0) > 0)).toBe(true);
  });

  it("show an incident as slow pages or empty results", () => {
    const random = seededRandom(7);
    const profile = SCRAPERS[1];
    if (!profile) throw new Error("no profiles");
    const slow = simulateVisit(profile, random, { kind: "slow", visitsLeft: 3 });
    expect(slow.navigation.durationMs).toBeGreaterThan(profile.navigationMedianMs * 2);
    const empty = Array.from({ length: 50 }, () =>
      simulateVisit(profile, random, { kind: "empty", visitsLeft: 3 }),
    );
    expect(empty.every((v) => !v.scrape?.success || v.scrape.itemsExtracted === 0)).toBe(true);
  });

  it("show a banned proxy as 403 captcha blocks on that proxy only", () => {
    const random = seededRandom(8);
    const profile = SCRAPERS[0];
    if (!profile) throw new Error("no profiles");
    const visits = Array.from({ length: 300 }, () =>
      simulateVisit(profile, random, { kind: "banned", visitsLeft: 3 }),
    );
    const captchas = visits.filter((v) => v.navigation.blockReason === "captcha");
    expect(captchas.length).toBeGreaterThan(50);
    expect(new Set(captchas.map((v) => v.navigation.proxy)).size).toBe(1);
    expect(captchas.every((v) => v.navigation.statusCode === 403 && !v.navigation.success)).toBe(true);
  });

  it("runs a scheduler with whole-millisecond durations", () => {
    const run = simulateSchedulerRun(SCHEDULER, seededRandom(1));
    expect(Number.isInteger(run.durationMs)).toBe(true);
  });
});

describe("startDemo", () => {
  it("reports the four scrapers and the scheduler to the server, and stops cleanly", async () => {
    const server = await startTestServer();
    servers.push(server);
    const demo = startDemo({ baseUrl: server.url, pace: 0.01, random: seededRandom(3) });
    const sources = [...SCRAPERS.map((s) => s.source), SCHEDULER.source];
    try {
      for (const source of sources) {
        await eventually(
          () => countStored(server.databaseUrl, [source]),
          (n) => n > 0,
        );
      }
    } finally {
      await demo.stop();
    }
    const accepted = server.services.pipeline.accepted;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.services.pipeline.accepted).toBe(accepted);
  });

  it("marks its own requests, which the access log keeps at debug", async () => {
    const lines: { level: string; msg: string; route?: string }[] = [];
    const logger = createLogger("debug", {}, (line) => lines.push(JSON.parse(line)));
    const server = await startTestServer({ logger });
    servers.push(server);
    const demo = startDemo({ baseUrl: server.url, pace: 0.01, random: seededRandom(4) });
    try {
      await eventually(
        () => lines.filter((line) => line.msg === "request" && line.route === "/api/v1/metrics").length,
        (n) => n >= 3,
      );
    } finally {
      await demo.stop();
    }
    await fetch(`${server.url}/api/v1/sources`);
    const requests = lines.filter((line) => line.msg === "request");
    expect(
      requests.filter((line) => line.route === "/api/v1/metrics").every((l) => l.level === "debug"),
    ).toBe(true);
    expect(requests.find((line) => line.route === "/api/v1/sources")?.level).toBe("info");
  });
});

describe("the demo job", () => {
  it("opens and resolves run_overdue and failures incidents as its cycle goes", async () => {
    const server = await startTestServer({ env: { MONITOR_TICK_MS: "50" } });
    servers.push(server);
    // The demo's settings, scaled down with the pace (the real ones: 45 s runs, 20 s max runtime).
    await server.services.monitors.directory.update(DEMO_JOB.source, { maxRuntimeSeconds: 1 });
    const demo = startDemo({ baseUrl: server.url, pace: 0.05, random: seededRandom(5) });
    const resolved = (kind: IncidentKind) => async () =>
      (
        await server.services.monitors.directory.incidents({ source: DEMO_JOB.source, kind, limit: 10 })
      ).items.filter((i) => i.state === "resolved").length;
    try {
      await eventually(resolved("run_overdue"), (n) => n >= 1, 20_000);
      await eventually(resolved("failures"), (n) => n >= 1, 20_000);
    } finally {
      await demo.stop();
    }
  }, 30_000);
});
