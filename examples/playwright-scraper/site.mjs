// The fixture site the example scrapes: a small "market quotes" site served on port 0, with one
// page that fails on its first visit so the navigation retry shows up in the metrics.
import { once } from "node:events";
import { createServer } from "node:http";

const QUOTES = {
  AAPL: [190.12, 189.4, 191.03],
  MSFT: [411.5, 409.87],
  NVDA: [121.07, 119.9, 122.45, 120.3],
  TSLA: [248.5],
};

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

export async function startSite() {
  let flakyVisits = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    const html = (status, text) =>
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(text);
    if (url.pathname === "/") {
      const links = Object.keys(QUOTES).map((s) => `<li><a class="symbol" href="/quote/${s}">${s}</a></li>`);
      return html(200, page("Quotes", `<h1>Watchlist</h1><ul>${links.join("")}</ul>`));
    }
    const match = /^\/quote\/([A-Z]+)$/.exec(url.pathname);
    const prices = match?.[1] ? QUOTES[match[1]] : undefined;
    if (match?.[1] && prices) {
      // NVDA is flaky: its first visit loops on redirects until the browser gives up.
      if (match[1] === "NVDA" && flakyVisits++ === 0) {
        return res.writeHead(302, { location: "/loop/1" }).end();
      }
      const rows = prices.map(
        (p, i) => `<tr class="trade"><td>${i + 1}</td><td class="price">${p}</td></tr>`,
      );
      return html(200, page(match[1], `<h1>${match[1]}</h1><table>${rows.join("")}</table>`));
    }
    const loop = /^\/loop\/(\d+)$/.exec(url.pathname);
    if (loop) return res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
    return html(404, page("Not found", "<p>not found</p>"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
