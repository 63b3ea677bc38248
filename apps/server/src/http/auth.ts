// Token checks for the three roles. A token comes as `Authorization: Bearer <t>` or `?token=`
// (EventSource and browsers' WebSocket cannot send headers). Compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./api-error.ts";

export type Role = "ingest" | "read" | "admin";

export class TokenSet {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  get open(): boolean {
    return this.digests.length === 0;
  }

  /** True when the token is one of the set (always true for an open set). */
  allows(token: string | null): boolean {
    if (this.open) return true;
    if (token === null) return false;
    const candidate = digest(token);
    // Compare against every token so timing does not tell which one nearly matched.
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, candidate) || found;
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** The token a request presents, from the header or the query string. */
export function presentedToken(authorization: string | undefined, query: string | undefined): string | null {
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length).trim();
  return query ?? null;
}

/** Throws 401 (no token) or 403 (wrong token) unless the request may act in the role. */
export function assertToken(tokens: TokenSet, token: string | null, role: Role): void {
  if (tokens.allows(token)) return;
  if (token === null || token === "")
    throw new ApiError(
      "unauthorized",
      `a ${role} token is required (Authorization: Bearer <token> or ?token=)`,
    );
  throw new ApiError("forbidden", `the token is not valid for ${role}`);
}

export function requireToken(tokens: TokenSet, role: Role): MiddlewareHandler {
  return async (c, next) => {
    assertToken(tokens, presentedToken(c.req.header("authorization"), c.req.query("token")), role);
    await next();
  };
}
