// WebSocket transport: one socket, subscriptions changed with subscribe/unsubscribe messages,
// and an application ping so that a silently dead socket is noticed (browsers hide ping frames).
import type { ServerMessage } from "@scrapewatch/protocol";
import { type OpenTransport, streamQuery, type TransportEvents, type TransportOptions } from "./transport.ts";
import type { SourceSelection } from "./types.ts";

type WebSocketCtor = new (url: string) => WebSocket;

export const WS_PING_INTERVAL_MS = 20_000;
export const WS_SILENCE_LIMIT_MS = 50_000;

export function wsTransport(WebSocketImpl: WebSocketCtor = WebSocket): OpenTransport {
  return (options, events) => new WsStream(WebSocketImpl, options, events);
}

class WsStream {
  private readonly socket: WebSocket;
  private sources: SourceSelection;
  private dead = false;
  private opened = false;
  private lastHeard = Date.now();
  private readonly pinger: ReturnType<typeof setInterval>;

  constructor(
    WebSocketImpl: WebSocketCtor,
    options: TransportOptions,
    private readonly events: TransportEvents,
  ) {
    this.sources = options.sources;
    const origin = options.origin.replace(/^http/, "ws");
    this.socket = new WebSocketImpl(`${origin}/api/v1/ws${streamQuery({ token: options.token })}`);
    this.socket.addEventListener("open", () => {
      this.send(subscribeMessage(this.sources, options.lastEventId));
    });
    this.socket.addEventListener("message", (e) => this.onMessage(e as MessageEvent));
    this.socket.addEventListener("close", () => this.fail("socket closed"));
    this.socket.addEventListener("error", () => this.fail("socket error"));
    this.pinger = setInterval(() => this.heartbeat(), WS_PING_INTERVAL_MS);
  }

  resubscribe(sources: SourceSelection, lastEventId: string | null): void {
    const previous = this.sources;
    this.sources = sources;
    if (this.dead || this.socket.readyState !== 1) return; // sent on open
    if (sources === null) {
      this.send(subscribeMessage(null, lastEventId));
      return;
    }
    if (previous === null) {
      this.send({ type: "unsubscribe" });
      this.send(subscribeMessage(sources, lastEventId));
      return;
    }
    const removed = previous.filter((s) => !sources.includes(s));
    const added = sources.filter((s) => !previous.includes(s));
    if (removed.length > 0) this.send({ type: "unsubscribe", sources: removed });
    if (added.length > 0) this.send(subscribeMessage(added, lastEventId));
  }

  close(): void {
    this.dead = true;
    clearInterval(this.pinger);
    this.socket.close(1000);
  }

  private onMessage(event: MessageEvent): void {
    if (this.dead) return;
    this.lastHeard = Date.now();
    let message: ServerMessage;
    try {
      message = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case "connected":
        this.markOpen(message.cursor);
        break;
      case "subscribed":
        this.markOpen(null);
        break;
      case "metrics":
        this.events.batch(message);
        break;
      case "anomaly":
        this.events.anomaly(message);
        break;
      case "reset":
        this.events.reset(message);
        break;
      default:
        break;
    }
  }

  private markOpen(cursor: string | null): void {
    if (this.opened) return;
    this.opened = true;
    this.events.open(cursor);
  }

  private heartbeat(): void {
    if (Date.now() - this.lastHeard > WS_SILENCE_LIMIT_MS) {
      this.fail("no answer to ping");
      return;
    }
    this.send({ type: "ping" });
  }

  private send(message: object): void {
    if (this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private fail(reason: string): void {
    if (this.dead) return;
    this.close();
    this.events.down(reason);
  }
}

function subscribeMessage(sources: SourceSelection, lastEventId: string | null): object {
  return {
    type: "subscribe",
    ...(sources ? { sources } : {}),
    ...(lastEventId ? { lastEventId } : {}),
  };
}
