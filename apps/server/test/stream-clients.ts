// Small clients for stream tests: an SSE reader over Node's fetch (parses events, ids, retry
// and comments as the spec defines them) and a `ws` client that collects JSON messages.
import { WebSocket } from "ws";

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Collects items and lets a test await the first one (after an index) that matches. */
class Inbox<T> {
  readonly items: T[] = [];
  private waiters: (() => void)[] = [];
  ended = false;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  async waitFor(accept: (items: T[]) => boolean, timeoutMs = 10_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (!accept(this.items)) {
      if (this.ended) throw new Error(`stream ended before the condition held (${this.items.length} items)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`condition not met within ${timeoutMs} ms (${this.items.length} items)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export class SseStream {
  readonly inbox = new Inbox<SseEvent>();
  readonly comments: string[] = [];
  /** Events carried by the `metrics` batches received so far. */
  received = 0;
  private readonly controller = new AbortController();

  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    const stream = new SseStream(response);
    stream.controller.signal.addEventListener("abort", () => controller.abort());
    if (response.ok && response.body) void stream.read(response.body);
    else stream.inbox.end();
    return stream;
  }

  get events(): SseEvent[] {
    return this.inbox.items;
  }

  /** Events named `name`, waiting until there are at least `count`. */
  async waitFor(name: string, count = 1, timeoutMs = 10_000): Promise<SseEvent[]> {
    const items = await this.inbox.waitFor(
      (all) => all.filter((e) => e.event === name).length >= count,
      timeoutMs,
    );
    return items.filter((e) => e.event === name);
  }

  /** Batches (parsed `metrics` data) until their events add up to `events`. */
  async batches(
    events: number,
    timeoutMs = 10_000,
  ): Promise<{ id: string; source: string; metrics: { id: string }[] }[]> {
    const parse = (all: SseEvent[]) =>
      all
        .filter((e) => e.event === "metrics")
        .map((e) => JSON.parse(e.data) as { id: string; source: string; metrics: { id: string }[] });
    await this.inbox.waitFor(
      (all) => parse(all).reduce((n, b) => n + b.metrics.length, 0) >= events,
      timeoutMs,
    );
    return parse(this.inbox.items);
  }

  /** Waits until batches carrying `events` events have arrived (cheap: no re-parsing). */
  async waitForEvents(events: number, timeoutMs = 10_000): Promise<void> {
    await this.inbox.waitFor(() => this.received >= events, timeoutMs);
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          this.parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted or cut by the server
    }
    this.inbox.end();
  }

  private parseBlock(block: string): void {
    const event: SseEvent = { event: "message", data: "" };
    const data: string[] = [];
    let any = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      any = true;
      if (field === "event") event.event = value;
      else if (field === "data") data.push(value);
      else if (field === "id") event.id = value;
      else if (field === "retry") event.retry = Number(value);
    }
    if (!any) return;
    event.data = data.join("\n");
    if (event.event === "metrics") this.received += (JSON.parse(event.data) as { count: number }).count;
    if (event.retry !== undefined && data.length === 0) event.event = "retry";
    this.inbox.push(event);
  }
}

export interface WsMessage {
  type: string;
  [key: string]: unknown;
}

export class WsConnection {
  readonly inbox = new Inbox<WsMessage>();
  closeCode: number | null = null;
  closeReason = "";
  private readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.inbox.push(JSON.parse(String(data)) as WsMessage));
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.closeCode = code;
        this.closeReason = String(reason);
        this.inbox.end();
        resolve(code);
      });
    });
    socket.on("error", () => {});
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<WsConnection> {
    const socket = new WebSocket(url, { headers });
    const connection = new WsConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return connection;
  }

  get messages(): WsMessage[] {
    return this.inbox.items;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  async waitFor(type: string, count = 1, timeoutMs = 10_000): Promise<WsMessage[]> {
    const items = await this.inbox.waitFor(
      (all) => all.filter((m) => m.type === type).length >= count,
      timeoutMs,
    );
    return items.filter((m) => m.type === type);
  }

  /** Metrics batches until their events add up to `events`. */
  async batches(
    events: number,
    timeoutMs = 10_000,
  ): Promise<{ id: string; source: string; metrics: { id: string }[] }[]> {
    type B = { id: string; source: string; metrics: { id: string }[] };
    const parse = (all: WsMessage[]) => all.filter((m) => m.type === "metrics") as unknown as B[];
    await this.inbox.waitFor(
      (all) => parse(all).reduce((n, b) => n + b.metrics.length, 0) >= events,
      timeoutMs,
    );
    return parse(this.inbox.items);
  }

  whenClosed(): Promise<number> {
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }
}
