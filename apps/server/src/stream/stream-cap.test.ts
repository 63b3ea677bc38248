// MAX_STREAMS_PER_CLIENT: one token (or, with reads open, one address) cannot take every
// MAX_CLIENTS slot. SSE gets 429 + Retry-After; a WebSocket upgrade gets HTTP 429 too.
import { afterEach, describe, expect, it } from "vitest";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const started = await startTestServer({ env: { MAX_STREAMS_PER_CLIENT: "2", ...env } });
  cleanups.push(() => started.stop());
  return started;
}

async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const stream = await SseStream.open(url, headers);
  cleanups.push(() => stream.close());
  return stream;
}

describe("streams per client", () => {
  it("answers 429 to the stream past the cap of one address, X-Forwarded-For or not", async () => {
    const running = await server({});
    const url = `${running.url}/api/v1/stream`;
    await (await openSse(url)).waitFor("connected");
    const ws = await WsConnection.open(`${running.url.replace("http", "ws")}/api/v1/ws`);
    cleanups.push(() => ws.close());
    await ws.waitFor("connected");
    // An untrusted peer's X-Forwarded-For is not a new client.
    const third = await fetch(url, { headers: { "X-Forwarded-For": "198.51.100.7" } });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("5");
    expect(await third.json()).toMatchObject({ error: { code: "too_many_streams" } });
    await expect(WsConnection.open(`${running.url.replace("http", "ws")}/api/v1/ws`)).rejects.toThrow(
      "HTTP 429",
    );
    // A closed stream frees its slot.
    ws.close();
    await ws.whenClosed();
    await expect.poll(async () => running.services.streams.hasRoomFor("address:127.0.0.1")).toBe(true);
    expect((await openSse(url)).response.status).toBe(200);
  });

  it("counts per read token when reads need one, so another token still gets in", async () => {
    const running = await server({ READ_TOKENS: "alpha,beta" });
    const url = `${running.url}/api/v1/stream`;
    for (let i = 0; i < 2; i++) await (await openSse(`${url}?token=alpha`)).waitFor("connected");
    const refused = await fetch(`${url}?token=alpha`);
    expect(refused.status).toBe(429);
    await refused.body?.cancel();
    const other = await openSse(url, { Authorization: "Bearer beta" });
    expect(other.response.status).toBe(200);
  });
});
