import { afterEach, describe, expect, it } from "vitest";
import { countStored, eventually, startTestServer, type TestServer } from "../../test/test-server.ts";
import { startDemo, simulateSchedulerRun, simulateVisit } from "./demo.ts";
import { seededRandom } from "./distributions.ts";
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
    const failed = visits.filter((v) => !v.navigation.success).length;
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
});
