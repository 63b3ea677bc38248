// The example's own shop on a free port: a listing of products, one product page that bans
// scrapers (403) and one that rate-limits the first visit (429), as real shops do.
import { once } from "node:events";
import { createServer } from "node:http";

const PRODUCTS = [
  { id: "kettle", name: "Kettle", price: 39.9 },
  { id: "toaster", name: "Toaster", price: 54.5 },
  { id: "blender", name: "Blender", price: 89 },
  { id: "grinder", name: "Coffee grinder", price: 129 },
];

const html = (title, body) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

export async function startSite() {
  let grinderVisits = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://shop").pathname;
    const send = (status, body) =>
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
    if (path === "/") {
      const links = PRODUCTS.map((p) => `<li><a class="product" href="/p/${p.id}">${p.name}</a></li>`);
      return send(200, html("Products", `<ul>${links.join("")}</ul>`));
    }
    const product = PRODUCTS.find((p) => path === `/p/${p.id}`);
    if (!product) return send(404, html("Not found", ""));
    if (product.id === "blender") return send(403, html("Access denied", "<p>Bots are not welcome.</p>"));
    if (product.id === "grinder" && ++grinderVisits === 1) return send(429, html("Slow down", ""));
    return send(200, html(product.name, `<p class="price">${product.price}</p>`));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
