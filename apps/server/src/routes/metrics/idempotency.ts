// Idempotency-Key for POST /api/v1/metrics: a key seen within the TTL is answered with its first
// answer and its events are not accepted again, so a client may retry a batch safely. Bounded,
// in memory, per server instance.
import { createHash } from "node:crypto";
import { ApiError } from "../../http/api-error.ts";

export interface IdempotencyCacheOptions {
  /** How long a key is remembered. Default 10 minutes. */
  ttlMs?: number;
  /** Keys kept at most; the oldest go first. */
  maxEntries?: number;
  /** Bytes of stored answers kept at most; the oldest go first. */
  maxBytes?: number;
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  fingerprint: string;
  status: number;
  body: string;
}

export interface IdempotentAnswer {
  status: number;
  /** The answer's JSON text, the same bytes for the first request and every repeat. */
  body: string;
  /** True when this is the answer to an earlier request with the same key. */
  replayed: boolean;
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;
  /** Repeats answered from the cache (for /metrics). */
  replays = 0;

  constructor(options: IdempotencyCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Entry | undefined {
    this.expire();
    return this.entries.get(key);
  }

  set(key: string, entry: Omit<Entry, "expiresAt">): void {
    this.delete(key);
    this.entries.set(key, { ...entry, expiresAt: this.now() + this.ttlMs });
    this.bytes += weight(key, entry.body);
    // Insertion order is expiry order (one TTL for all), so the first entries are the oldest.
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= weight(key, entry.body);
  }

  private expire(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.delete(key);
    }
  }
}

export interface IdempotentRequest {
  /** The `Idempotency-Key` header, if any. */
  key: string | undefined;
  /** Who is asking (e.g. the ingest token), so that two clients' keys never collide. */
  scope: string;
  /** The validated request content: a repeat with a different one is refused. */
  payload: unknown;
}

/**
 * Runs `accept` once per key: a repeated key gets the stored answer without calling it. Only
 * successful answers are kept; when `accept` throws (429 queue full, 503), nothing is stored
 * and a retry runs it again. `accept` is synchronous, so two concurrent repeats cannot both run it.
 */
export function answerOnce(
  cache: IdempotencyCache,
  request: IdempotentRequest,
  accept: () => { status: number; body: unknown },
): IdempotentAnswer {
  if (request.key === undefined) {
    const answer = accept();
    return { status: answer.status, body: JSON.stringify(answer.body), replayed: false };
  }
  if (!KEY_RE.test(request.key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  const cacheKey = `${request.scope}\u0000${request.key}`;
  const fingerprint = createHash("sha256").update(JSON.stringify(request.payload)).digest("base64url");
  const seen = cache.get(cacheKey);
  if (seen) {
    if (seen.fingerprint !== fingerprint) {
      throw new ApiError("bad_request", "this Idempotency-Key was already used for a different request body");
    }
    cache.replays++;
    return { status: seen.status, body: seen.body, replayed: true };
  }
  const answer = accept();
  const body = JSON.stringify(answer.body);
  if (answer.status >= 200 && answer.status < 300)
    cache.set(cacheKey, { fingerprint, status: answer.status, body });
  return { status: answer.status, body, replayed: false };
}

function weight(key: string, body: string): number {
  return key.length + body.length + 128;
}
