// An HTTP server on this machine for the SDK's tests (the browser tests' sites, the ingest
// server): on a free port of 127.0.0.1, never a fixed one, or on the port it had before, to come
// back after stop(); a subclass says what it answers in handle().
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export abstract class LocalSite {
  private server: Server | null = null;
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
