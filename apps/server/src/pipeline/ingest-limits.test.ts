// What ingest refuses to keep in memory: events already past retention, sources beyond
// MAX_SOURCES (until idle ones leave), and bytes beyond MAX_PENDING_BYTES.
import { afterEach, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const started = await startTestServer({ env });
  servers.push(started);
  return started;
}

describe("ingest limits", () => {
  it("refuses events older than RETENTION_DAYS with 400 timestamp_too_old naming the event", async () => {
    const running = await server({ RETENTION_DAYS: "7" });
    const source = uniqueSource();
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
    const response = await running.ingest({
      metrics: [
        navigationEvent(source),
        navigationEvent(source, { timestamp: "1990-01-01T00:00:00Z" }),
        navigationEvent(source, { timestamp: old }),
      ],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; details: { issues: { index: number }[] } };
    };
    expect(body.error.code).toBe("timestamp_too_old");
    expect(body.error.details.issues.map((issue) => issue.index)).toEqual([1, 2]);
    expect(running.services.pipeline.accepted).toBe(0);
    const recent = new Date(Date.now() - 6 * 24 * 3600 * 1000).toISOString();
    expect((await running.ingest({ metrics: [navigationEvent(source, { timestamp: recent })] })).status).toBe(
      202,
    );
  });

  it("answers 429 too_many_sources past MAX_SOURCES, and admits again once idle sources left memory", async () => {
    const running = await server({ MAX_SOURCES: "3", SOURCE_IDLE_MS: "1000", BATCH_INTERVAL_MS: "0" });
    const sources = [uniqueSource(), uniqueSource(), uniqueSource()];
    expect((await running.ingest({ metrics: sources.map((s) => navigationEvent(s)) })).status).toBe(202);
    const refused = await running.ingest({ metrics: [navigationEvent(uniqueSource())] });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: "too_many_sources" } });
    const exposition = await (await fetch(`${running.url}/metrics`)).text();
    expect(exposition).toMatch(/^scrapewatch_refused_requests_total\{reason="too_many_sources"\} 1$/m);
    // Known sources keep being accepted meanwhile.
    expect((await running.ingest({ metrics: [navigationEvent(sources[0] ?? "")] })).status).toBe(202);
    const { live } = running.services.history;
    await eventually(
      () => live.sourcesSeen().length,
      (n) => n === 3,
    );
    // Idle past SOURCE_IDLE_MS: the sources leave the live figures and /metrics counters.
    await eventually(
      () => running.ingest({ metrics: [navigationEvent(uniqueSource())] }).then((r) => r.status),
      (status) => status === 202,
    );
    await eventually(
      () => sources.filter((s) => live.figures(s).lastSeen !== null).length,
      (n) => n === 0,
    );
    expect(sources.some((s) => running.services.pipeline.acceptedBySource.has(s))).toBe(false);
  });

  it("answers 429 queue_full once accepted-but-unwritten events pass MAX_PENDING_BYTES", async () => {
    const running = await server({
      MAX_PENDING_BYTES: String(1024 * 1024),
      FLUSH_INTERVAL_MS: "600000",
      FLUSH_BATCH_SIZE: "100000",
    });
    const source = uniqueSource();
    const error = "e".repeat(4000);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const events = Array.from({ length: 100 }, () => navigationEvent(source, { error }));
      statuses.push((await running.ingest({ metrics: events })).status);
    }
    // ~450 KB per request: the third finds more than 1 MiB waiting.
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses).toContain(429);
    expect(running.services.pipeline.pendingBytes).toBeLessThan(2 * 1024 * 1024);
  });
});
