import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { SseStream, WsConnection } from "../../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A strict reader of the text exposition format 0.0.4: throws on any malformed line. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const nameRe = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const sampleRe = new RegExp(`^(${nameRe})(?:\\{(.*)\\})? (\\S+)$`);
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind = "", name = "", rest = ""] = meta;
      const family = families.get(name) ?? { type: "untyped", help: "", samples: [] };
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest))
          throw new Error(`bad type: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples: ${line}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    const match = sampleRe.exec(line);
    if (!match) throw new Error(`malformed line: ${line}`);
    const [, name = "", labelText = "", raw = ""] = match;
    const labels: Record<string, string> = {};
    labelRe.lastIndex = 0;
    while (labelRe.lastIndex < labelText.length) {
      const label = labelRe.exec(labelText);
      if (!label) throw new Error(`malformed labels: ${line}`);
      labels[label[1] ?? ""] = label[2] ?? "";
    }
    const value = raw === "+Inf" ? Number.POSITIVE_INFINITY : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") throw new Error(`bad value: ${line}`);
    const base = name.replace(/_(bucket|sum|count)$/, "");
    const family = families.get(name) ?? families.get(base);
    if (!family) throw new Error(`sample without TYPE: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}

describe("GET /metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_TOKENS: "r" } });
  });
  afterAll(async () => server.stop());

  async function scrape(): Promise<Map<string, Family>> {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer r" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    return parseExposition(await response.text());
  }

  it("reports ingest counts, batch sizes, write lag, queue depth and the streams' figures", async () => {
    const source = uniqueSource();
    await server.ingest({ metrics: Array.from({ length: 7 }, () => navigationEvent(source)) });
    // Real clients: three SSE (one resuming from a cursor kept in memory) and two WebSocket.
    const first = await SseStream.open(`${server.url}/api/v1/stream?token=r`);
    const [connected] = await first.waitFor("connected");
    const cursor = (JSON.parse(connected?.data ?? "{}") as { cursor: string | null }).cursor ?? "0-0";
    const sse = [
      first,
      await SseStream.open(`${server.url}/api/v1/stream?token=r`),
      await SseStream.open(`${server.url}/api/v1/stream?token=r&lastEventId=${cursor}`),
    ];
    const ws = [
      await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?token=r`),
      await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?token=r`),
    ];
    const families = await eventually(
      scrape,
      (f) =>
        (f.get("scrapewatch_write_lag_seconds")?.samples.find((s) => s.name.endsWith("_count"))?.value ??
          0) >= 7,
    );
    const ingest = families.get("scrapewatch_ingest_events_total");
    expect(ingest?.type).toBe("counter");
    expect(ingest?.samples.find((s) => s.labels.source === source)?.value).toBe(7);
    const batches = families.get("scrapewatch_batch_size_events");
    expect(batches?.type).toBe("histogram");
    const buckets = batches?.samples.filter((s) => s.name.endsWith("_bucket")) ?? [];
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0);
    expect(buckets.at(-1)?.labels.le).toBe("+Inf");
    expect(buckets.at(-1)?.value).toBe(batches?.samples.find((s) => s.name.endsWith("_count"))?.value);
    expect(
      families.get("scrapewatch_connected_clients")?.samples.map((s) => [s.labels.transport, s.value]),
    ).toEqual([
      ["sse", 3],
      ["websocket", 2],
    ]);
    expect(families.get("scrapewatch_dropped_slow_consumers_total")?.samples[0]?.value).toBe(0);
    const resumes = families.get("scrapewatch_resume_total")?.samples.reduce((sum, s) => sum + s.value, 0);
    expect(resumes).toBe(1);
    for (const client of sse) client.close();
    for (const client of ws) client.close();
    expect(families.get("scrapewatch_queue_depth_events")?.type).toBe("gauge");
  });

  it("needs a read token when READ_TOKENS are set", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});
