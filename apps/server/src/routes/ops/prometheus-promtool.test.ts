// A live server's /metrics through promtool, with more sources than get a label of their own:
// the default 100 and METRICS_SOURCE_LABELS=5. promtool is required (scripts/ensure-services.sh).
import { afterEach, describe, expect, it } from "vitest";
import { type Family, parseExposition, promtoolCheck } from "../../../test/exposition.ts";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

/** Sends `sources` sources, source i with i + 1 events, so the busiest are the last ones. */
async function ingestSources(running: TestServer, sources: number): Promise<string[]> {
  const names = Array.from({ length: sources }, (_, i) => `${uniqueSource("prom")}-${i}`);
  const metrics = names.flatMap((source, i) => Array.from({ length: i + 1 }, () => navigationEvent(source)));
  for (let at = 0; at < metrics.length; at += 5000) {
    expect((await running.ingest({ metrics: metrics.slice(at, at + 5000) })).status).toBe(202);
  }
  return names;
}

async function scrape(running: TestServer): Promise<{ text: string; families: Map<string, Family> }> {
  const response = await fetch(`${running.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, families: parseExposition(text) };
}

function ingestSeries(families: Map<string, Family>) {
  return families.get("scrapewatch_ingest_events_total")?.samples ?? [];
}

describe("GET /metrics through promtool", () => {
  it("is clean with 130 sources, 100 labelled and the rest summed as _other, with the default metrics", async () => {
    server = await startTestServer();
    const names = await ingestSources(server, 130);
    await fetch(`${server.url}/api/v1/sources`);
    const { text, families } = await scrape(server);
    expect(await promtoolCheck(text)).toBe("");

    const series = ingestSeries(families);
    expect(series).toHaveLength(101);
    const other = series.find((s) => s.labels.source === "_other");
    // The 30 quietest (1..30 events each) share one series.
    expect(other?.value).toBe((30 * 31) / 2);
    expect(series.find((s) => s.labels.source === names[129])?.value).toBe(130);
    expect(series.some((s) => s.labels.source === names[0])).toBe(false);

    for (const name of [
      "process_cpu_seconds_total",
      "process_start_time_seconds",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_gc_duration_seconds",
      "http_request_duration_seconds",
      "scrapewatch_refused_requests_total",
      "scrapewatch_idempotent_replays_total",
      "scrapewatch_rows_written_total",
      "scrapewatch_dead_letter_write_failures_total",
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    const routes = (families.get("http_request_duration_seconds")?.samples ?? [])
      .filter((s) => s.name.endsWith("_count"))
      .map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status_class}`);
    expect(routes).toContain("POST /api/v1/metrics 2xx");
    expect(routes).toContain("GET /api/v1/sources 2xx");
  });

  it("keeps 5 sources labelled under METRICS_SOURCE_LABELS=5, and stays clean as more arrive", async () => {
    server = await startTestServer({ env: { METRICS_SOURCE_LABELS: "5" } });
    const names = await ingestSources(server, 12);
    const first = ingestSeries((await scrape(server)).families);
    expect(first.map((s) => s.labels.source).sort()).toEqual([...names.slice(7), "_other"].sort());
    const otherBefore = first.find((s) => s.labels.source === "_other")?.value ?? 0;
    expect(otherBefore).toBe((7 * 8) / 2);

    // A newcomer busier than all of them still goes to _other: labels are kept while their
    // sources are in memory, so every series stays a counter.
    const newcomer = uniqueSource("prom-busy");
    const busy = Array.from({ length: 50 }, () => navigationEvent(newcomer));
    expect((await server.ingest({ metrics: busy })).status).toBe(202);
    const { text, families } = await eventually(
      () => scrape(server as TestServer),
      (s) => (ingestSeries(s.families).find((x) => x.labels.source === "_other")?.value ?? 0) > otherBefore,
    );
    expect(await promtoolCheck(text)).toBe("");
    const after = ingestSeries(families);
    expect(after).toHaveLength(6);
    expect(after.find((s) => s.labels.source === "_other")?.value).toBe(otherBefore + 50);
  });

  it("counts refusals and idempotent replays of a live server", async () => {
    server = await startTestServer({ env: { INGEST_RATE_LIMIT: "5", MAX_CLIENTS: "1" } });
    const source = uniqueSource("prom-refused");
    const headers = { "idempotency-key": `k-${source}` };
    expect((await server.ingest({ metrics: [navigationEvent(source)] }, headers)).status).toBe(202);
    expect((await server.ingest({ metrics: [navigationEvent(source)] }, headers)).status).toBe(202);
    const flood = Array.from({ length: 5 }, () => navigationEvent(source));
    expect((await server.ingest({ metrics: flood })).status).toBe(429);
    const held = await fetch(`${server.url}/api/v1/stream`);
    expect((await fetch(`${server.url}/api/v1/stream`)).status).toBe(503);
    await held.body?.cancel();
    const { text, families } = await scrape(server);
    expect(await promtoolCheck(text)).toBe("");
    const refused = Object.fromEntries(
      (families.get("scrapewatch_refused_requests_total")?.samples ?? []).map((s) => [
        s.labels.reason,
        s.value,
      ]),
    );
    expect(refused).toMatchObject({ rate_limit: 1, client_limit: 1, queue_full: 0 });
    expect(families.get("scrapewatch_idempotent_replays_total")?.samples[0]?.value).toBe(1);
  });
});
