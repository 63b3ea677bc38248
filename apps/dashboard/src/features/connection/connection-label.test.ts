import { describe, expect, it } from "vitest";
import { connectionLabel } from "./connection-label.ts";

describe("connectionLabel", () => {
  it("uses exactly the five badge texts", () => {
    const texts = [
      connectionLabel({ state: "live", transport: "sse" }).text,
      connectionLabel({ state: "live", transport: "websocket" }).text,
      connectionLabel({ state: "polling", transport: "sse" }).text,
      connectionLabel({ state: "reconnecting", transport: "websocket" }).text,
      connectionLabel({ state: "offline", transport: "sse" }).text,
    ];
    expect(texts).toEqual(["Live · SSE", "Live · WebSocket", "Polling", "Reconnecting…", "Offline"]);
  });
});
