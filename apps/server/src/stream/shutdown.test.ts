import { describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream, WsConnection } from "../../test/stream-clients.ts";
import { startTestServer } from "../../test/test-server.ts";

describe("streams at shutdown", () => {
  it("sends what was batched, then closes SSE and WebSocket clients so the server stops", async () => {
    const server = await startTestServer({ env: { BATCH_INTERVAL_MS: "60000" } });
    const source = uniqueSource();
    const sse = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await sse.waitFor("connected");
    const ws = await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?sources=${source}`);
    await ws.waitFor("subscribed");
    const response = await server.ingest({ metrics: [navigationEvent(source)] });
    const { ids } = (await response.json()) as { ids: string[] };
    // The batch waits for its interval; shutdown seals it and delivers it before closing.
    await server.shutdown();
    await sse.waitForEvents(1);
    expect(sse.inbox.ended).toBe(true);
    expect(await ws.whenClosed()).toBe(1001);
    expect((await ws.batches(1)).flatMap((b) => b.metrics.map((m) => m.id))).toEqual(ids);
    await server.stop();
  });
});
