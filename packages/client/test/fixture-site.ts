// A local site for the browser tests: a quotes page, a flaky page that fails the first N
// times it is asked for (per key) with a redirect loop, so navigation retries can be observed,
// and the answers of a site that blocks scrapers: a chosen status, 429-then-200, a captcha page.
// (A dropped connection or a hang would not do: Chromium retries the first itself, and the
// pending request of the second aborts the next navigation to the same URL.)
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalSite } from "./local-site.ts";

export const QUOTES = [
  { symbol: "AAPL", price: 190.12 },
  { symbol: "MSFT", price: 411.5 },
  { symbol: "NVDA", price: 121.07 },
];

const QUOTES_PAGE = `<!doctype html><html><head><title>Quotes</title></head><body><ul>${QUOTES.map(
  (q) => `<li class="quote" data-symbol="${q.symbol}">${q.price}</li>`,
).join("")}</ul></body></html>`;

/** A bot wall answered with 200, as many are: only its content says it is one. */
export const CAPTCHA_PAGE =
  '<!doctype html><html><head><title>Are you a robot?</title></head><body><div id="captcha-box">Prove you are human</div></body></html>';

export class FixtureSite extends LocalSite {
  /** Request times per flaky key. */
  readonly hits = new Map<string, number[]>();

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fixture");
    if (url.pathname === "/quotes") {
      res.writeHead(200, { "content-type": "text/html" }).end(QUOTES_PAGE);
      return;
    }
    if (url.pathname === "/flaky") {
      const key = url.searchParams.get("key") ?? "";
      const failures = Number(url.searchParams.get("fail") ?? "0");
      const hits = this.hits.get(key) ?? [];
      hits.push(Date.now());
      this.hits.set(key, hits);
      if (hits.length <= failures) {
        res.writeHead(302, { location: "/loop?n=1" }).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html" }).end(QUOTES_PAGE);
      return;
    }
    if (url.pathname === "/status") {
      const code = Number(url.searchParams.get("code") ?? "200");
      res.writeHead(code, { "content-type": "text/html" }).end(`<p>status ${code}</p>`);
      return;
    }
    if (url.pathname === "/limited") {
      // 429 for the first `fail` requests per key, then the quotes.
      const key = url.searchParams.get("key") ?? "";
      const hits = [...(this.hits.get(key) ?? []), Date.now()];
      this.hits.set(key, hits);
      if (hits.length <= Number(url.searchParams.get("fail") ?? "1")) {
        res.writeHead(429, { "content-type": "text/html", "retry-after": "1" }).end("<p>slow down</p>");
        return;
      }
      res.writeHead(200, { "content-type": "text/html" }).end(QUOTES_PAGE);
      return;
    }
    if (url.pathname === "/captcha") {
      res.writeHead(200, { "content-type": "text/html" }).end(CAPTCHA_PAGE);
      return;
    }
    if (url.pathname === "/loop") {
      const n = Number(url.searchParams.get("n") ?? "0") + 1;
      res.writeHead(302, { location: `/loop?n=${n}` }).end();
      return;
    }
    res.writeHead(404, { "content-type": "text/html" }).end("<p>not found</p>");
  }

  /** A URL on a port nobody listens on: connection refused. */
  static async refusedUrl(): Promise<string> {
    const probe = createServer();
    probe.listen(0, "127.0.0.1");
    await once(probe, "listening");
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return `http://127.0.0.1:${port}/gone`;
  }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
