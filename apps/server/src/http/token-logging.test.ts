// Tokens never reach the logs: every log line of a real server (debug level) is captured while
// clients present good and bad tokens in the query string and the Authorization header.
import { afterEach, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";
import { createLogger } from "../logger.ts";

let running: TestServer | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

describe("access log", () => {
  it("never writes a token, from the query string or the header, good or bad", async () => {
    const lines: string[] = [];
    const secrets = { read: "read-SECRET-4d1f", ingest: "ingest-SECRET-9a7c", wrong: "wrong-SECRET-0b2e" };
    running = await startTestServer({
      env: { READ_TOKENS: secrets.read, INGEST_TOKENS: secrets.ingest },
      logger: createLogger("debug", {}, (line) => lines.push(line)),
    });
    const { url } = running;
    const source = uniqueSource("log");
    const reads = ["/api/v1/metrics", "/api/v1/sources", "/api/v1/anomalies", "/api/v1/nope"];
    for (const path of reads) {
      await fetch(`${url}${path}?token=${secrets.read}&limit=5`);
      await fetch(`${url}${path}?token=${secrets.wrong}`);
      await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${secrets.read}` } });
    }
    expect(
      (await running.ingest([navigationEvent(source)], { authorization: `Bearer ${secrets.ingest}` })).status,
    ).toBe(202);
    await fetch(`${url}/api/v1/metrics?token=${secrets.ingest}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([navigationEvent(source)]),
    });
    await running.ingest("{bad", { authorization: `Bearer ${secrets.wrong}` });
    const sse = await SseStream.open(`${url}/api/v1/stream?token=${secrets.read}&sources=${source}`);
    await sse.waitFor("connected");
    sse.close();
    const ws = await WsConnection.open(`${url.replace("http", "ws")}/api/v1/ws?token=${secrets.read}`);
    await ws.waitFor("connected");
    ws.close();
    await expect(
      WsConnection.open(`${url.replace("http", "ws")}/api/v1/ws?token=${secrets.wrong}`),
    ).rejects.toThrow("HTTP 403");

    const log = lines.join("");
    expect(lines.filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThan(10);
    expect(log).toContain('"path":"/api/v1/metrics"');
    for (const secret of Object.values(secrets)) expect(log).not.toContain(secret);
    expect(log).not.toContain("SECRET");
  });
});
