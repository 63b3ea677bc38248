// ALLOWED_ORIGINS: CORS for the REST API, and a hard 403 for SSE and WebSocket requests and for
// every request that changes something from a foreign page (browsers open cross-origin
// WebSockets, and send "simple" POSTs, without any preflight, so the server has to refuse them
// itself). Same-origin requests and requests without an Origin always pass.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { ApiError } from "./api-error.ts";

export class OriginPolicy {
  private readonly allowed: Set<string>;
  private readonly any: boolean;

  /** `origins`: e.g. `https://ops.example.com`; `*` allows every origin. Empty: same origin only. */
  constructor(origins: readonly string[]) {
    this.any = origins.includes("*");
    this.allowed = new Set(origins.filter((o) => o !== "*").map(normalize));
  }

  /**
   * True when a request with this Origin header may be served. No Origin (curl, scripts,
   * same-origin GETs) passes; otherwise the origin must be listed or be the server's own host.
   */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || origin === "") return true;
    if (this.any) return true;
    const normalized = normalize(origin);
    if (this.allowed.has(normalized)) return true;
    return host !== undefined && sameHost(normalized, host);
  }
}

function normalize(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    // "null" (sandboxed frames, file://) and garbage stay as they are: never equal to a host.
    return origin.trim().toLowerCase();
  }
}

function sameHost(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    return url.host === new URL(`http://${host}`).host || url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** CORS headers for allowed origins on the REST API; others get none (the browser refuses). */
export function corsForApi(policy: OriginPolicy): MiddlewareHandler {
  const handler = cors({
    origin: (origin, c) => (policy.allows(origin, c.req.header("host")) ? origin : null),
    allowMethods: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "X-Request-Id"],
    exposeHeaders: ["Retry-After", "X-Request-Id", "Idempotent-Replayed"],
    maxAge: 600,
  });
  return handler as MiddlewareHandler;
}

/** 403 for a streaming request (SSE, WebSocket upgrade) whose Origin is not allowed. */
export function requireAllowedOrigin(policy: OriginPolicy): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (!policy.allows(origin, c.req.header("host"))) {
      throw new ApiError("forbidden", `origin ${origin} is not allowed (ALLOWED_ORIGINS)`);
    }
    await next();
  };
}

const CHANGING_METHODS = new Set(["POST", "PUT", "DELETE", "PATCH"]);

/**
 * 403 for a browser request (it has an Origin) that changes something from a foreign origin:
 * CORS alone only stops the page from reading the answer, not the change itself.
 */
export function refuseForeignChanges(policy: OriginPolicy): MiddlewareHandler {
  return async (c, next) => {
    if (CHANGING_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      if (!policy.allows(origin, c.req.header("host"))) {
        throw new ApiError("forbidden", `origin ${origin} may not change anything here (ALLOWED_ORIGINS)`);
      }
    }
    await next();
  };
}
