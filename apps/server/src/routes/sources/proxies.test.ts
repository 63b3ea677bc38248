import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, ingest, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe.each(["sqlite", "mysql"] as const)("GET /api/v1/sources/{source}/proxies on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server.stop());

  it("answers each proxy's figures over the window, busiest first", async () => {
    const source = uniqueSource();
    await ingest(server, [
      navigationEvent(source, { proxy: "http://u:secret@gate-a.test:8000", durationMs: 100 }),
      navigationEvent(source, {
        proxy: "gate-a.test:8000",
        durationMs: 300,
        success: false,
        blocked: true,
        blockReason: "http_429",
      }),
      navigationEvent(source, { proxy: "gate-b.test:8000", durationMs: 50 }),
    ]);
    const body = await eventually(
      async () =>
        (await (await fetch(`${server.url}/api/v1/sources/${source}/proxies?window=24h`)).json()) as {
          proxies: unknown[];
        },
      (answer) => answer.proxies.length === 2,
    );
    expect(body).toMatchObject({
      source,
      window: "24h",
      proxies: [
        {
          proxy: "gate-a.test:8000",
          navigations: 2,
          successRate: 0.5,
          blockRate: 0.5,
          p50DurationMs: 100,
          p95DurationMs: 300,
        },
        {
          proxy: "gate-b.test:8000",
          navigations: 1,
          successRate: 1,
          blockRate: 0,
          p50DurationMs: 50,
          p95DurationMs: 50,
        },
      ],
    });
  });

  it("answers 400 for a bad window or source name", async () => {
    expect((await fetch(`${server.url}/api/v1/sources/shop/proxies?window=7d`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/sources/bad%20name/proxies`)).status).toBe(400);
  });
});
