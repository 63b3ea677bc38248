// ALLOWED_ORIGINS on a real server: CORS headers only for allowed origins on the REST API, and a
// 403 for SSE requests and WebSocket upgrades from a foreign page; same-origin always passes.
import { afterEach, describe, expect, it } from "vitest";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";
import { OriginPolicy } from "./origins.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startTestServer({ env });
  cleanups.push(() => started.stop());
  return started;
}

const ALLOWED = "https://ops.example.com";
const FOREIGN = "https://evil.example.net";

describe("OriginPolicy", () => {
  it("passes requests without an Origin and same-origin requests when the list is empty", () => {
    const policy = new OriginPolicy([]);
    expect(policy.allows(undefined, "127.0.0.1:3000")).toBe(true);
    expect(policy.allows("http://127.0.0.1:3000", "127.0.0.1:3000")).toBe(true);
    expect(policy.allows("http://127.0.0.1:3001", "127.0.0.1:3000")).toBe(false);
    expect(policy.allows(FOREIGN, "127.0.0.1:3000")).toBe(false);
    expect(policy.allows("null", "127.0.0.1:3000")).toBe(false);
  });

  it("passes listed origins whatever their spelling, and every origin for *", () => {
    expect(new OriginPolicy([`${ALLOWED}/`]).allows("HTTPS://OPS.example.com", "x:1")).toBe(true);
    expect(new OriginPolicy([ALLOWED]).allows("https://ops.example.com:8443", "x:1")).toBe(false);
    expect(new OriginPolicy(["*"]).allows(FOREIGN, "x:1")).toBe(true);
  });
});

describe("CORS on the REST API", () => {
  it("answers a preflight from an allowed origin with its CORS headers", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const response = await fetch(`${running.url}/api/v1/metrics`, {
      method: "OPTIONS",
      headers: {
        Origin: ALLOWED,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("gives a foreign origin no CORS headers, so its page cannot read the answer", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    for (const method of ["OPTIONS", "GET"]) {
      const response = await fetch(`${running.url}/api/v1/sources`, {
        method,
        headers: { Origin: FOREIGN, "Access-Control-Request-Method": "GET" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("serves same-origin and Origin-less requests with the list empty", async () => {
    const running = await server();
    const same = await fetch(`${running.url}/api/v1/sources`, { headers: { Origin: running.url } });
    expect(same.status).toBe(200);
    expect(same.headers.get("access-control-allow-origin")).toBe(running.url);
    const plain = await fetch(`${running.url}/api/v1/sources`);
    expect(plain.status).toBe(200);
  });
});

describe("Origin check on streams", () => {
  it("refuses an SSE request from a foreign origin with 403", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const response = await fetch(`${running.url}/api/v1/stream`, { headers: { Origin: FOREIGN } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("streams SSE to an allowed origin, to the same origin and to clients without an Origin", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const origins: Record<string, string>[] = [{ Origin: ALLOWED }, { Origin: running.url }, {}];
    for (const headers of origins) {
      const stream = await SseStream.open(`${running.url}/api/v1/stream`, headers);
      cleanups.push(() => stream.close());
      expect(stream.response.status).toBe(200);
      await stream.waitFor("connected");
    }
  });

  it("refuses a WebSocket upgrade from a foreign origin with 403", async () => {
    const running = await server();
    const ws = running.url.replace("http", "ws");
    await expect(WsConnection.open(`${ws}/api/v1/ws`, { Origin: FOREIGN })).rejects.toThrow("HTTP 403");
  });

  it("upgrades WebSockets from an allowed origin and the same origin", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const ws = running.url.replace("http", "ws");
    for (const origin of [ALLOWED, running.url]) {
      const connection = await WsConnection.open(`${ws}/api/v1/ws`, { Origin: origin });
      cleanups.push(() => connection.close());
      await connection.waitFor("connected");
    }
  });
});

describe("Origin check on changes", () => {
  it("refuses a bodiless admin POST and an ingest POST from a foreign origin with 403", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const aggregate = await fetch(`${running.url}/api/v1/admin/aggregate`, {
      method: "POST",
      headers: { Origin: FOREIGN },
    });
    expect(aggregate.status).toBe(403);
    expect(await aggregate.json()).toMatchObject({ error: { code: "forbidden" } });
    const ingest = await running.ingest(
      { metrics: [{ type: "scheduler", source: "origin-check", durationMs: 1, success: true }] },
      { Origin: FOREIGN },
    );
    expect(ingest.status).toBe(403);
  });

  it("lets allowed origins, the same origin and Origin-less clients change things", async () => {
    const running = await server({ ALLOWED_ORIGINS: ALLOWED });
    const event = { type: "scheduler", source: "origin-ok", durationMs: 1, success: true };
    const headerSets: Record<string, string>[] = [{ Origin: ALLOWED }, { Origin: running.url }, {}];
    for (const headers of headerSets) {
      const response = await running.ingest({ metrics: [event] }, headers);
      expect(response.status).toBe(202);
    }
  });
});
