// A small shop for the Crawlee tests: a listing that links to two items, a page that always
// answers 403 (a ban), and one that answers 429 once, then the item.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const page = (title: string, body = "") =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

export class ShopSite {
  private server: Server | null = null;
  private limitedHits = 0;
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://shop").pathname;
      const html = (status: number, body: string) =>
        res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
      if (path === "/shop") {
        const links = ["/item/1", "/item/2", "/banned", "/limited"].map(
          (href) => `<a href="${href}">${href}</a>`,
        );
        html(200, page("Shop", links.join(" ")));
      } else if (path.startsWith("/item/")) html(200, page(`Item ${path.slice(6)}`));
      else if (path === "/banned") html(403, page("Forbidden"));
      else if (path === "/limited") {
        this.limitedHits += 1;
        if (this.limitedHits === 1) html(429, page("Too many requests"));
        else html(200, page("Item 3"));
      } else html(404, page("Not found"));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Forget the 429 already given, so the next crawl sees it again. */
  reset(): void {
    this.limitedHits = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
