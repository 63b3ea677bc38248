// Security headers on every response, and the Content-Security-Policy of HTML pages (the
// dashboard and the API docs page). Set before the handler runs, so that the SSE route, which
// writes its own head, carries them too.
import type { MiddlewareHandler } from "hono";

export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * The dashboard loads only its own scripts and styles, talks only to its own origin (fetch,
 * EventSource, WebSocket), and may not be framed. Inline styles stay allowed: recharts and React
 * set `style` attributes, and the docs page has one `<style>` block.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Non-HTML answers (JSON, streams, CSV) never run anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  for (const [name, value] of Object.entries(BASE_HEADERS)) c.header(name, value);
  await next();
  const html = (c.res.headers.get("content-type") ?? "").startsWith("text/html");
  // Handlers that build their own Response skip c.header(): fill in what they lack.
  for (const [name, value] of Object.entries(BASE_HEADERS)) {
    if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  }
  c.res.headers.set("Content-Security-Policy", html ? DASHBOARD_CSP : API_CSP);
};
