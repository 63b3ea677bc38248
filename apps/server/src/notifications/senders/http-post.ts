// One POST of a JSON body to a receiver, bounded every way: a timeout covering connect, answer
// and body, redirects not followed (a 3xx is a failed attempt, so a redirect loop costs one
// request per attempt), and at most a few KB of the answer read.
import { parseRetryAfter } from "../backoff.ts";
import type { SendOptions, SendResult } from "./types.ts";

const MAX_ANSWER_BYTES = 4 * 1024;
const ERROR_SNIPPET_CHARS = 200;
const USER_AGENT = "Scrapewatch-Notifications/1";

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  let answer: string;
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": USER_AGENT, ...headers },
      redirect: "manual",
      signal,
    });
    answer = await readBounded(response, MAX_ANSWER_BYTES);
  } catch (error) {
    const message = timeout.aborted
      ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
      : options.signal?.aborted
        ? "aborted (shutting down)"
        : networkError(error);
    return { delivered: false, retryable: true, status: null, error: message, retryAfterMs: null };
  }
  return classify(response, answer);
}

function classify(response: Response, answer: string): SendResult {
  const status = response.status;
  if (status >= 200 && status < 300) return { delivered: true, status };
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  if (status >= 300 && status < 400) {
    // The Location is not repeated: it may carry a token.
    return {
      delivered: false,
      retryable: true,
      status,
      error: `HTTP ${status} redirect (redirects are not followed)`,
      retryAfterMs,
    };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const snippet = answer.replace(/\s+/g, " ").trim().slice(0, ERROR_SNIPPET_CHARS);
  return {
    delivered: false,
    retryable,
    status,
    error: snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`,
    retryAfterMs,
  };
}

/** Reads at most `limit` bytes of the answer, then lets the rest go. */
async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** undici says "fetch failed" and puts the reason (ECONNREFUSED…) on its cause. */
function networkError(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : null;
  const message =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  // Messages may name the host and port; that is what an operator needs, and holds no secret.
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
