// Scraper health fields (SPEC 15) as the SDK sends them, checked here as the server would check
// them. A proxy is cut down to host:port before it leaves the process: its credentials are never
// sent, so they cannot be stored or shown anywhere.
import { InvalidRecordError } from "./events.ts";

/** What a navigation may say about its response, a block, and the proxy it went through. */
export interface NavigationHealth {
  /** HTTP status of the response (100-599). */
  statusCode?: number | null;
  /** The site refused the scraper (403/429/503, a captcha page...). */
  blocked?: boolean;
  /** Why, as 1-50 characters of a-z 0-9 _ . - (e.g. `http_403`, `captcha`). */
  blockReason?: string | null;
  /** A label, or a proxy URL (reduced to host:port). */
  proxy?: string | null;
  /** Response size in bytes. */
  bytes?: number | null;
}

export const MAX_PROXY_LABEL = 100;
const BLOCK_REASON = /^[a-z0-9_.-]{1,50}$/;

/**
 * The label kept for a proxy: `scheme://user:pass@host:port/path` → `host:port`,
 * `user:pass@host:port` → `host:port`; other text is kept, trimmed.
 */
export function proxyLabel(raw: string): string {
  const text = raw.trim();
  const scheme = text.indexOf("://");
  if (scheme !== -1) {
    try {
      const { host } = new URL(text);
      if (host !== "") return host;
    } catch {
      // Not a parseable URL: still drop whatever looks like credentials below.
    }
    return afterCredentials(text.slice(scheme + 3)).split(/[/?#]/)[0] ?? "";
  }
  return afterCredentials(text);
}

function afterCredentials(text: string): string {
  return text.slice(text.lastIndexOf("@") + 1);
}

/** Turns any text into a valid block reason: `"Captcha page!"` → `captcha_page_`. */
export function blockReasonOf(text: string): string {
  const reason = text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "_")
    .slice(0, 50);
  return reason === "" ? "blocked" : reason;
}

export function navigationHealthFields(record: NavigationHealth) {
  return {
    statusCode: statusCode(record.statusCode),
    blocked: Boolean(record.blocked),
    blockReason: blockReason(record.blockReason),
    proxy: proxyField(record.proxy),
    bytes: optionalCount(record.bytes, "bytes"),
  };
}

export function proxyField(proxy: string | null | undefined): string | null {
  if (proxy === undefined || proxy === null) return null;
  const label = proxyLabel(String(proxy));
  if (label.length === 0 || label.length > MAX_PROXY_LABEL) {
    throw new InvalidRecordError(`proxy must reduce to a label of 1-${MAX_PROXY_LABEL} characters`);
  }
  return label;
}

function statusCode(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 100 || value > 599) {
    throw new InvalidRecordError(`statusCode must be an integer of 100-599, got ${String(value)}`);
  }
  return value;
}

function blockReason(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !BLOCK_REASON.test(value)) {
    throw new InvalidRecordError("blockReason must be 1-50 characters of a-z 0-9 _ . -");
  }
  return value;
}

function optionalCount(value: number | null | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidRecordError(`${field} must be a non-negative number, got ${String(value)}`);
  }
  return Math.round(value);
}
