// Reads a navigation's response the same way for Playwright and Puppeteer (both have status(),
// headers(), and body() or buffer()) and decides whether the scraper was blocked.
import { blockReasonOf } from "./health.ts";

/** Answers that mean "go away" rather than "not found": rate limits, bans, bot walls. */
export const BLOCKED_STATUS_CODES: readonly number[] = [403, 429, 503];

interface ResponseLike {
  status(): number;
  headers?(): Record<string, string>;
  body?(): Promise<Uint8Array>;
  buffer?(): Promise<Uint8Array>;
}

function isResponse(value: unknown): value is ResponseLike {
  return typeof value === "object" && value !== null && typeof (value as ResponseLike).status === "function";
}

/**
 * The HTTP status of a response: Playwright's and Puppeteer's (`status()`) or Node's
 * IncomingMessage as Crawlee's HTTP crawlers give it (`statusCode`); null when there is none.
 */
export function statusOf(response: unknown): number | null {
  if (typeof response !== "object" || response === null) return null;
  const status = isResponse(response) ? response.status() : undefined;
  const code = status ?? (response as { statusCode?: unknown }).statusCode;
  return typeof code === "number" && Number.isInteger(code) && code >= 100 && code <= 599 ? code : null;
}

/** The body's size: Content-Length when the server sent one, else the bytes received. */
export async function bytesOf(response: unknown): Promise<number | null> {
  if (!isResponse(response)) return null;
  try {
    const length = Number(response.headers?.()["content-length"]);
    if (Number.isInteger(length) && length >= 0) return length;
    const body = response.body ? await response.body() : response.buffer ? await response.buffer() : null;
    return body ? body.byteLength : null;
  } catch {
    // A redirect or an evicted body has no size to give; that is not the scraper's failure.
    return null;
  }
}

/** The verdict of a caller's own block check (a captcha page...): a reason, or null if not blocked. */
export function verdictReason(verdict: boolean | string | null | undefined): string | null {
  if (verdict === true) return "detected";
  if (typeof verdict === "string" && verdict.trim() !== "") return blockReasonOf(verdict.trim());
  return null;
}

/** Thrown when every attempt of a navigation was blocked. */
export class NavigationBlockedError extends Error {
  override readonly name = "NavigationBlockedError";
  constructor(
    readonly url: string,
    readonly statusCode: number | null,
    readonly reason: string,
    readonly response: unknown,
  ) {
    super(`navigation to ${url} was blocked (${reason})`);
  }
}
