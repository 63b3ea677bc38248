// Scraper health fields (SPEC 15) from ingest to every way out: REST, export and the stream,
// on both databases; proxy credentials appear in none of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, scrapeEvent, uniqueSource } from "../../../test/factories.ts";
import { SseStream } from "../../../test/stream-clients.ts";
import { eventually, ingest, startTestServer, type TestServer } from "../../../test/test-server.ts";

const SECRET = "hunter2-s3cret";
const PROXY_URL = `http://scraper:${SECRET}@gate.proxy.test:8080`;

describe.each(["sqlite", "mysql"] as const)("scraper health fields on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server.stop());

  it("come back through REST, CSV, NDJSON and SSE, with the proxy reduced to host:port", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await stream.waitFor("connected");
    const blocked = navigationEvent(source, {
      success: false,
      statusCode: 403,
      blocked: true,
      blockReason: "http_403",
      proxy: PROXY_URL,
      bytes: 1234,
    });
    await ingest(server, [blocked, navigationEvent(source), scrapeEvent(source, { proxy: PROXY_URL })]);

    const [batch] = await stream.batches(1);
    stream.close();
    expect(batch?.metrics[0]).toMatchObject({
      statusCode: 403,
      blocked: true,
      proxy: "gate.proxy.test:8080",
    });

    const listed = await eventually(
      async () => {
        const response = await fetch(`${server.url}/api/v1/metrics?source=${source}`);
        return { text: await response.text(), status: response.status };
      },
      ({ text }) => (JSON.parse(text) as { items: unknown[] }).items.length === 3,
    );
    const { items } = JSON.parse(listed.text) as { items: Record<string, unknown>[] };
    expect(items[0]).toMatchObject({
      statusCode: 403,
      blocked: true,
      blockReason: "http_403",
      proxy: "gate.proxy.test:8080",
      bytes: 1234,
    });
    expect(items[1]).toMatchObject({
      statusCode: null,
      blocked: false,
      blockReason: null,
      proxy: null,
      bytes: null,
    });
    expect(items[2]).toMatchObject({ type: "scrape", proxy: "gate.proxy.test:8080" });

    const csv = await (await fetch(`${server.url}/api/v1/metrics/export?format=csv&source=${source}`)).text();
    const [header, first] = csv.trimEnd().split("\n");
    const columns = header?.split(",") ?? [];
    const cells = first?.split(",") ?? [];
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect(columns).toEqual(
      expect.arrayContaining(["statusCode", "blocked", "blockReason", "proxy", "bytes"]),
    );
    expect([cell("statusCode"), cell("blocked"), cell("blockReason"), cell("proxy"), cell("bytes")]).toEqual([
      "403",
      "true",
      "http_403",
      "gate.proxy.test:8080",
      "1234",
    ]);
    const ndjson = await (await fetch(`${server.url}/api/v1/metrics/export?source=${source}`)).text();
    expect(JSON.parse(ndjson.split("\n")[0] ?? "{}")).toMatchObject({ blockReason: "http_403" });

    for (const text of [JSON.stringify(batch), listed.text, csv, ndjson]) expect(text).not.toContain(SECRET);
  });
});

describe("scraper health fields refused", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  it("answers 400 naming each bad field, without echoing a proxy password", async () => {
    const source = uniqueSource();
    const response = await server.ingest({
      metrics: [
        navigationEvent(source, { statusCode: 700 }),
        navigationEvent(source, { blocked: "maybe" }),
        navigationEvent(source, { blockReason: "Captcha Page" }),
        navigationEvent(source, { proxy: `http://user:${SECRET}@${"h".repeat(120)}.test:1` }),
        navigationEvent(source, { bytes: -5 }),
      ],
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    const { error } = JSON.parse(text) as {
      error: { details: { issues: { index: number; path: string }[] } };
    };
    expect(error.details.issues.map(({ index, path }) => [index, path])).toEqual([
      [0, "statusCode"],
      [1, "blocked"],
      [2, "blockReason"],
      [3, "proxy"],
      [4, "bytes"],
    ]);
  });
});
