// The badge's words. Exactly five texts, each true of the moment it is shown.
import type { LinkStatus } from "../../stream/live-connection.ts";

export type BadgeTone = "live" | "degraded" | "waiting" | "down";

export function connectionLabel(status: Pick<LinkStatus, "state" | "transport">): {
  text: string;
  tone: BadgeTone;
} {
  switch (status.state) {
    case "live":
      return { text: status.transport === "websocket" ? "Live · WebSocket" : "Live · SSE", tone: "live" };
    case "polling":
      return { text: "Polling", tone: "degraded" };
    case "connecting":
    case "reconnecting":
      return { text: "Reconnecting…", tone: "waiting" };
    case "offline":
      return { text: "Offline", tone: "down" };
  }
}
