// Idempotency-Key for POST /api/v1/metrics: a key seen within the TTL is answered with its first
// answer and its events are not accepted again, so a client may retry a batch safely. Where the
// keys live is an IdempotencyStore: in memory per instance (this file), or in Redis when several
// instances share one (idempotency-redis.ts), so a retry that lands on another instance is known.
import { createHash } from "node:crypto";
import { ApiError } from "../../http/api-error.ts";

/** The first answer to a key, replayed to every repeat. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  /** The answer's JSON text, the same bytes for the first request and every repeat. */
  body: string;
}

/** What a store knows of a key when a request arrives with it. */
export type Claim =
  /** New key: this request runs, then completes (a 2xx answer) or releases the claim. */
  | { kind: "claimed"; complete(answer: StoredAnswer): Promise<void>; release(): Promise<void> }
  | { kind: "answered"; answer: StoredAnswer }
  /** Another request with this key is being accepted right now (possibly on another instance). */
  | { kind: "in_progress"; fingerprint: string };

export interface IdempotencyStore {
  claim(key: string, fingerprint: string): Promise<Claim>;
  /** Repeats answered from the store (for /metrics). */
  replays: number;
}

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
  /** Absent while the request that claimed the key is being accepted. */
  answer?: StoredAnswer;
}

export interface IdempotentAnswer {
  status: number;
  /** The answer's JSON text, the same bytes for the first request and every repeat. */
  body: string;
  /** True when this is the answer to an earlier request with the same key. */
  replayed: boolean;
}

export const DEFAULT_IDEMPOTENCY_TTL_MS = 10 * 60 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** The in-memory store: bounded, per server instance. */
export class IdempotencyCache implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;
  replays = 0;

  constructor(options: IdempotencyCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  // Runs synchronously up to its return: nothing can come between looking the key up and
  // marking it taken, so two concurrent repeats on this instance cannot both be accepted.
  async claim(key: string, fingerprint: string): Promise<Claim> {
    this.expire();
    const seen = this.entries.get(key);
    if (seen?.answer) return { kind: "answered", answer: seen.answer };
    if (seen) return { kind: "in_progress", fingerprint: seen.fingerprint };
    this.put(key, { fingerprint, expiresAt: this.now() + this.ttlMs });
    return {
      kind: "claimed",
      complete: async (answer) => this.put(key, { fingerprint, answer, expiresAt: this.now() + this.ttlMs }),
      release: async () => this.delete(key),
    };
  }

  private put(key: string, entry: Entry): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += weight(key, entry);
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
    this.bytes -= weight(key, entry);
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
 * successful answers are kept; when `accept` throws (429 queue full, 503), the claim is released
 * and a retry runs it again. A repeat that arrives while the first is still being accepted gets
 * 409 `idempotency_in_progress` with Retry-After: it never runs `accept` a second time.
 */
export async function answerOnce(
  store: IdempotencyStore,
  request: IdempotentRequest,
  accept: () => Promise<{ status: number; body: unknown }> | { status: number; body: unknown },
): Promise<IdempotentAnswer> {
  if (request.key === undefined) {
    const answer = await accept();
    return { status: answer.status, body: JSON.stringify(answer.body), replayed: false };
  }
  if (!KEY_RE.test(request.key)) {
    throw new ApiError("bad_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  const scopedKey = `${request.scope}\u0000${request.key}`;
  const fingerprint = createHash("sha256").update(JSON.stringify(request.payload)).digest("base64url");
  const claim = await store.claim(scopedKey, fingerprint);
  if (claim.kind !== "claimed") {
    const seen = claim.kind === "answered" ? claim.answer.fingerprint : claim.fingerprint;
    if (seen !== fingerprint) {
      throw new ApiError(
        "idempotency_key_reused",
        "this Idempotency-Key was already used for a different request body",
      );
    }
    if (claim.kind === "in_progress") {
      throw new ApiError(
        "idempotency_in_progress",
        "a request with this Idempotency-Key is being accepted; retry to get its answer",
        undefined,
        1,
      );
    }
    store.replays++;
    return { status: claim.answer.status, body: claim.answer.body, replayed: true };
  }
  let answer: { status: number; body: unknown };
  try {
    answer = await accept();
  } catch (error) {
    await claim.release();
    throw error;
  }
  const body = JSON.stringify(answer.body);
  if (answer.status >= 200 && answer.status < 300) {
    await claim.complete({ fingerprint, status: answer.status, body });
  } else await claim.release();
  return { status: answer.status, body, replayed: false };
}

function weight(key: string, entry: Entry): number {
  return key.length + (entry.answer?.body.length ?? 0) + 128;
}
