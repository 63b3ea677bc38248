// A small shop for the Crawlee tests: a listing that links to two items, a page that always
// answers 403 (a ban), and one that answers 429 once, then the item.
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalSite } from "./local-site.ts";

const page = (title: string, body = "") =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

export class ShopSite extends LocalSite {
  private limitedHits = 0;

  protected handle(req: IncomingMessage, res: ServerResponse): void {
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
  }

  /** Forget the 429 already given, so the next crawl sees it again. */
  reset(): void {
    this.limitedHits = 0;
  }
}
