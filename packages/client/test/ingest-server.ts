// A small real ingest server for the SDK's tests: speaks POST /api/v1/metrics as the server does
// (202 {accepted, ids}, Idempotency-Key replay) and can be told to fail, throttle or go away.
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalSite } from "./local-site.ts";

export interface ReceivedEvent {
  type: string;
  source: string;
  [field: string]: unknown;
}

/** What to do with the next request instead of simply accepting it. */
export type Fault =
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "drop-after-accept" } // store the events, then cut the socket before answering
  | { kind: "hang" };

export interface ReceivedRequest {
  key: string | undefined;
  count: number;
  at: number;
  auth: string | undefined;
}

export class IngestServer extends LocalSite {
  readonly events: ReceivedEvent[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly faults: Fault[] = [];
  private readonly answers = new Map<string, string>();
  private nextId = 0;
  private waiters: (() => void)[] = [];

  get baseUrl(): string {
    return this.url("");
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    void this.receive(req, res);
  }

  /** Resolves once at least `count` events have arrived. */
  async waitForEvents(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.events.length < count) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`expected ${count} events, got ${this.events.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once at least `count` requests have arrived. */
  async waitForRequests(count: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`expected ${count} requests, got ${this.requests.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/api/v1/metrics") {
      res.writeHead(404).end();
      return;
    }
    const key = header(req, "idempotency-key");
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { metrics: ReceivedEvent[] };
    this.requests.push({
      key,
      count: parsed.metrics.length,
      at: Date.now(),
      auth: header(req, "authorization"),
    });
    try {
      this.answer(key, parsed.metrics, res);
    } finally {
      this.notify();
    }
  }

  private answer(key: string | undefined, metrics: ReceivedEvent[], res: ServerResponse): void {
    const fault = this.faults.shift();
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
      res.writeHead(fault.status, headers).end(fault.body ?? '{"error":{"code":"fault","message":"fault"}}');
      return;
    }
    if (fault?.kind === "hang") return;
    const replay = key === undefined ? undefined : this.answers.get(key);
    if (replay !== undefined) {
      res.writeHead(202, { "content-type": "application/json" }).end(replay);
      return;
    }
    const ids = metrics.map(() => String(++this.nextId));
    this.events.push(...metrics);
    const answer = JSON.stringify({ accepted: ids.length, ids });
    if (key !== undefined) this.answers.set(key, answer);
    if (fault?.kind === "drop-after-accept") {
      res.socket?.destroy();
      return;
    }
    res.writeHead(202, { "content-type": "application/json" }).end(answer);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
