// Two instances on one MariaDB and one Redis: one evaluator opens one incident, which reaches the
// subscribers of both instances once; when the evaluator stops, the other takes over and resolves it.
import { randomBytes } from "node:crypto";
import type { IncidentEvent } from "@scrapewatch/protocol";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { eventually, ingest, type TestServer } from "../../test/test-server.ts";
import { type Cluster, REDIS_TEST_URL, startCluster } from "../../test/two-instances.ts";
import { RedisLeaseLock } from "./evaluator-lock.ts";

describe("monitors on two instances", () => {
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    cluster = await startCluster({ MONITOR_TICK_MS: "50", ADMIN_TOKENS: "admin-secret" });
    a = await cluster.add();
    b = await cluster.add();
  });
  afterAll(async () => cluster.stop());

  it("opens one incident, streamed once on each instance, and a survivor resolves it", async () => {
    const source = uniqueSource();
    const sse = await SseStream.open(`${a.url}/api/v1/stream?sources=${source}`);
    const ws = await WsConnection.open(`${b.url.replace("http", "ws")}/api/v1/ws`);
    ws.send({ type: "subscribe", sources: [source] });
    await ws.waitFor("subscribed");
    try {
      await eventually(
        () => [a, b].filter((s) => s.services.monitors.isEvaluator).length,
        (n) => n === 1,
      );
      // Configured on one instance, observed on the other: both reach the evaluator.
      const put = await fetch(`${b.url}/api/v1/monitors/${source}`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: "Bearer admin-secret" },
        body: JSON.stringify({ silenceAfterSeconds: 1 }),
      });
      expect(put.status).toBe(200);
      await ingest(a, [navigationEvent(source)]);
      await sse.waitFor("incident", 1);
      await ws.waitFor("incident", 1);
      // A few more ticks: nothing more is opened or sent.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const opened = sse.events
        .filter((e) => e.event === "incident")
        .map((e) => JSON.parse(e.data) as IncidentEvent);
      expect(opened).toHaveLength(1);
      expect(ws.messages.filter((m) => m.type === "incident")).toHaveLength(1);
      const listed = (await (await fetch(`${b.url}/api/v1/incidents?source=${source}`)).json()) as {
        items: unknown[];
      };
      expect(listed.items).toHaveLength(1);
      // Both instances show the monitor as down.
      for (const server of [a, b]) {
        const monitor = (await (await fetch(`${server.url}/api/v1/monitors/${source}`)).json()) as {
          state: string;
        };
        expect(monitor.state).toBe("down");
      }

      // The evaluator stops; the survivor takes over with what it observed and resolves the incident.
      const [leader, survivor] = a.services.monitors.isEvaluator ? [a, b] : [b, a];
      const survivorStream = survivor === a ? sse : null;
      await leader.shutdown();
      await eventually(
        () => survivor.services.monitors.isEvaluator,
        (leading) => leading,
      );
      await ingest(survivor, [navigationEvent(source)]);
      if (survivorStream) await survivorStream.waitFor("incident", 2);
      else await ws.waitFor("incident", 2);
      const after = (await (await fetch(`${survivor.url}/api/v1/incidents?source=${source}`)).json()) as {
        items: { state: string }[];
      };
      expect(after.items.map((i) => i.state)).toEqual(["resolved"]);
    } finally {
      sse.close();
      ws.close();
    }
  });

  it("lets another holder take the lease once its holder stops renewing it", async () => {
    const redis = new Redis(REDIS_TEST_URL);
    const key = `sw-test-lease-${randomBytes(4).toString("hex")}`;
    try {
      const first = new RedisLeaseLock(redis, key, "first", 300);
      const second = new RedisLeaseLock(redis, key, "second", 300);
      expect(await first.hold()).toBe(true);
      expect(await second.hold()).toBe(false);
      expect(await first.hold()).toBe(true); // renewed
      // The first holder dies: nothing renews; the lease lapses and the second takes it.
      const taken = await eventually(
        () => second.hold(),
        (held) => held,
      );
      expect(taken).toBe(true);
      expect(await first.hold()).toBe(false);
      await second.release();
      expect(await redis.exists(key)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
