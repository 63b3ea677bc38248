// Rate limits a hostile client cannot dodge: keyed by address when ingest is open (an invented
// ?token= changes nothing), checked before the body is read, per client behind a trusted proxy,
// and shared by every instance through Redis.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";
import { type Cluster, startCluster } from "../../test/two-instances.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const started = await startTestServer({ env });
  cleanups.push(() => started.stop());
  return started;
}

const events = (n: number) => {
  const source = uniqueSource("rl");
  return Array.from({ length: n }, () => navigationEvent(source));
};

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("ingest rate limit hardening", () => {
  it("keys open ingest by address: a new ?token= per request does not get a new bucket", async () => {
    const running = await server({ INGEST_RATE_LIMIT: "5", INGEST_RATE_BURST: "5" });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await post(`${running.url}/api/v1/metrics?token=random-${i}`, events(3))).status);
    }
    expect(statuses[0]).toBe(202);
    expect(statuses.slice(1)).toContain(429);
  });

  it("refuses a client in debt before reading its body", async () => {
    const running = await server({ INGEST_RATE_LIMIT: "1", INGEST_RATE_BURST: "1" });
    // A full bucket lets a large request through and goes into debt for it.
    expect((await running.ingest(events(50))).status).toBe(202);
    const socket = connect(running.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    // Headers announcing 1 MB, and no body at all: the answer must not wait for it.
    socket.write(
      "POST /api/v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
    );
    const head = await new Promise<string>((resolve) =>
      socket.once("data", (data: Buffer) => resolve(String(data))),
    );
    expect(head).toMatch(/^HTTP\/1\.1 429/);
    socket.destroy();
  });

  it("gives each client behind a TRUST_PROXY proxy its own bucket, and believes no one else's header", async () => {
    const trusting = await server({
      INGEST_RATE_LIMIT: "5",
      INGEST_RATE_BURST: "5",
      TRUST_PROXY: "127.0.0.0/8",
    });
    for (const client of ["198.51.100.1", "198.51.100.2"]) {
      const response = await trusting.ingest(events(5), { "X-Forwarded-For": client });
      expect(response.status).toBe(202);
    }
    expect((await trusting.ingest(events(5), { "X-Forwarded-For": "198.51.100.1" })).status).toBe(429);
    const untrusting = await server({ INGEST_RATE_LIMIT: "5", INGEST_RATE_BURST: "5" });
    expect((await untrusting.ingest(events(5), { "X-Forwarded-For": "198.51.100.1" })).status).toBe(202);
    expect((await untrusting.ingest(events(5), { "X-Forwarded-For": "198.51.100.2" })).status).toBe(429);
  });

  it("shares the buckets through Redis: what a token spent on one instance counts on the other", async () => {
    const cluster: Cluster = await startCluster({
      INGEST_TOKENS: "shared-token",
      INGEST_RATE_LIMIT: "10",
      INGEST_RATE_BURST: "10",
    });
    cleanups.push(() => cluster.stop());
    const a = await cluster.add();
    const b = await cluster.add();
    const auth = { authorization: "Bearer shared-token" };
    expect((await a.ingest(events(8), auth)).status).toBe(202);
    const refused = await b.ingest(events(8), auth);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
  });
});
