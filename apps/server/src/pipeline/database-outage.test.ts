// The database taken away mid-ingest (through a proxy the test cuts) and given back.
import { createTestDatabaseUrl, MYSQL_TEST_URL } from "@scrapewatch/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { TcpProxy } from "../../test/tcp-proxy.ts";
import { countStored, eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

describe("a database outage during ingest", () => {
  let proxy: TcpProxy;
  let server: TestServer;
  let drop: () => Promise<void>;
  let directUrl: string;

  beforeAll(async () => {
    const created = await createTestDatabaseUrl("mysql");
    drop = created.drop;
    directUrl = created.url;
    const target = new URL(MYSQL_TEST_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    await proxy.open();
    const proxied = new URL(created.url);
    proxied.port = String(proxy.port);
    server = await startTestServer({
      databaseUrl: proxied.toString(),
      env: { FLUSH_INTERVAL_MS: "20", FLUSH_BATCH_SIZE: "50" },
    });
  });
  afterAll(async () => {
    await proxy.open().catch(() => {});
    await server.stop();
    await drop();
  });

  it("keeps accepting while the database is away and stores every event exactly once when it returns", async () => {
    const source = uniqueSource("outage");
    const ids: string[] = [];
    const post = async (n: number) => {
      const response = await server.ingest(
        Array.from({ length: n }, (_, i) => schedulerEvent(source, { durationMs: i })),
      );
      expect(response.status).toBe(202);
      ids.push(...((await response.json()) as { ids: string[] }).ids);
    };

    await post(500);
    await eventually(
      () => countStored(directUrl, [source]),
      (n) => n === 500,
    );

    await proxy.cut();
    for (let round = 0; round < 10; round++) await post(300);
    // Ingest and health stay up; the writer reports the outage and keeps everything queued.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await eventually(
      () => server.services.writer.healthy,
      (healthy) => !healthy,
    );
    expect(server.services.pipeline.pending).toBeGreaterThan(0);
    expect(await countStored(directUrl, [source])).toBeLessThan(3_500);

    await proxy.open();
    await eventually(
      () => countStored(directUrl, [source]),
      (n) => n === 3_500,
      30_000,
    );
    const rows = await server.services.store.read({ sources: [source], limit: 5_000 });
    expect(new Set(rows.map((row) => row.metric.id))).toEqual(new Set(ids));
    expect(server.services.writer.pending).toBe(0);
  });
});
