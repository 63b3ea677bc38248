// What a monitor learned and the runs it tracks survive a restart (monitor_state).
import type { Monitor } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { eventually, ingest, startTestServer } from "../../test/test-server.ts";

describe("monitors across a restart", () => {
  it("remember the learned rhythm and the runs still going", async () => {
    const first = await startTestServer({ env: { MONITOR_TICK_MS: "50" } });
    const scraper = uniqueSource();
    const job = uniqueSource("job");
    const now = Date.now();
    const events = Array.from({ length: 10 }, (_, i) =>
      navigationEvent(scraper, { timestamp: new Date(now - (9 - i) * 60_000).toISOString() }),
    );
    await ingest(first, [...events, { type: "scheduler", source: job, state: "started", runId: "r-1" }]);
    const get = (url: string, source: string) =>
      fetch(`${url}/api/v1/monitors/${source}`).then((r) => r.json() as Promise<Monitor>);
    await eventually(
      () => get(first.url, job),
      (m) => m.runningSince !== null,
    );
    // The run is tracked as it is accepted, the navigations once their batch is stored: wait for both.
    const learned = await eventually(
      () => get(first.url, scraper),
      (m) => m.state === "up",
    );
    expect(learned).toMatchObject({
      state: "up",
      learned: { intervalSeconds: 60 },
      effective: { silenceAfterSeconds: 300 },
    });
    await first.shutdown();

    const second = await startTestServer({
      databaseUrl: first.databaseUrl,
      dir: first.dir,
      env: { MONITOR_TICK_MS: "50" },
    });
    try {
      expect(await get(second.url, scraper)).toMatchObject({
        state: "up",
        learned: { intervalSeconds: 60 },
        lastEventAt: learned.lastEventAt,
      });
      const running = await get(second.url, job);
      expect(running.runningSince).not.toBeNull();
      expect(running.kind).toBe("scheduler");
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
