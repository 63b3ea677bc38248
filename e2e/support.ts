// Helpers for the journeys: unique source names, ingest through the public API, waiting for what
// the page shows, and a server process a test can stop and restart itself.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { type APIRequestContext, expect, type Page } from "@playwright/test";

const REPO = join(import.meta.dirname, "..");

export function uniqueSource(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface ScrapeFields {
  durationMs?: number;
  itemsExtracted?: number;
  success?: boolean;
  timestamp?: string;
}

export function scrape(source: string, fields: ScrapeFields = {}) {
  return {
    type: "scrape",
    source,
    url: `https://example.test/${source}`,
    durationMs: fields.durationMs ?? 800,
    itemsExtracted: fields.itemsExtracted ?? 5,
    success: fields.success ?? true,
    ...(fields.success === false ? { error: "selector not found" } : {}),
    ...(fields.timestamp ? { timestamp: fields.timestamp } : {}),
  };
}

export function navigation(source: string, fields: { durationMs?: number; timestamp?: string } = {}) {
  return {
    type: "navigation",
    source,
    url: `https://example.test/${source}`,
    durationMs: fields.durationMs ?? 1200,
    retryCount: 1,
    success: true,
    ...(fields.timestamp ? { timestamp: fields.timestamp } : {}),
  };
}

export async function ingest(
  request: APIRequestContext,
  metrics: object[],
  baseURL?: string,
): Promise<string[]> {
  const response = await request.post(`${baseURL ?? ""}/api/v1/metrics`, { data: { metrics } });
  expect(response.status(), await response.text()).toBe(202);
  const body = (await response.json()) as { ids: string[] };
  return body.ids;
}

export function badge(page: Page) {
  return page.getByTestId("connection-badge");
}

export function card(page: Page, source: string) {
  return page.getByTestId(`source-card-${source}`);
}

/** The card's count of events received live since the page opened. */
export function liveCount(page: Page, source: string) {
  return card(page, source).getByTestId("live-count");
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** A server process of the test's own, on a port and database it chooses. */
export class ServerProcess {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(REPO, "apps/server/dist/main.js")], {
      cwd: REPO,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.child = child;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("server did not start within 30 s");
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  }
}
