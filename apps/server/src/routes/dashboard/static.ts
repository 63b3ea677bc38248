// Serves the built dashboard (apps/dashboard/dist) at `/`: hashed assets cached for a year,
// index.html always revalidated, and every other non-API path answered with index.html so that
// deep links into the SPA work. API paths fall through to later routes, so the order of
// registration does not matter; registering it last still saves a lookup per API request.
import { readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { Context, Next } from "hono";
import type { App } from "../../app-types.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt"]);
export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";
/** Paths the SPA never owns: they keep the API's JSON 404. */
const SERVER_PREFIXES = ["/api/", "/healthz", "/readyz", "/metrics"];

interface CachedFile {
  mtimeMs: number;
  size: number;
  body: Uint8Array;
  gzip: Uint8Array | null;
  etag: string;
}

export function registerDashboard(app: App, dir: string): void {
  const root = resolve(dir);
  const cache = new Map<string, CachedFile>();

  const handler = async (c: Context, next: Next) => {
    const path = c.req.path;
    if (SERVER_PREFIXES.some((p) => path === p.replace(/\/$/, "") || path.startsWith(p))) return next();
    const file = safeJoin(root, path);
    const asset = file ? load(cache, file) : null;
    if (asset && file && !file.endsWith(`${sep}index.html`)) {
      const hashed = path.startsWith("/assets/");
      return send(c, asset, extname(file), hashed ? IMMUTABLE : "public, max-age=3600");
    }
    // A missing file with an extension is a broken link, not a page: answer 404, not the SPA.
    if (!asset && extname(path) !== "" && extname(path) !== ".html") return next();
    const index = load(cache, join(root, "index.html"));
    if (!index) {
      return c.json(
        {
          error: {
            code: "not_found",
            message: "dashboard not built: run `npm run build` (apps/dashboard/dist)",
          },
        },
        404,
      );
    }
    return send(c, index, ".html", REVALIDATE);
  };
  app.get("*", handler);
}

function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const full = resolve(root, `.${decoded}`);
  const rel = relative(root, full);
  if (rel.startsWith("..") || rel === "" || resolve(root, rel) !== full) return null;
  return full;
}

function load(cache: Map<string, CachedFile>, file: string): CachedFile | null {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(file);
  } catch {
    return null;
  }
  if (!stats.isFile()) return null;
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached;
  const body = readFileSync(file);
  const entry: CachedFile = {
    mtimeMs: stats.mtimeMs,
    size: stats.size,
    body,
    gzip: COMPRESSIBLE.has(extname(file)) && body.length > 1024 ? gzipSync(body) : null,
    etag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
  };
  cache.set(file, entry);
  return entry;
}

function send(c: Context, file: CachedFile, ext: string, cacheControl: string): Response {
  const headers = new Headers({
    "Content-Type": TYPES[ext] ?? "application/octet-stream",
    "Cache-Control": cacheControl,
    ETag: file.etag,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
  });
  if (c.req.header("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
  const gzip = file.gzip !== null && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  const body = gzip && file.gzip ? file.gzip : file.body;
  if (gzip) headers.set("Content-Encoding", "gzip");
  headers.set("Content-Length", String(body.length));
  return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
}
