// Scraper health fields (SPEC 15): what a navigation's response said, whether the scraper was
// blocked and why, and through which proxy. A proxy is a label, never a secret: a URL is cut
// down to host:port here, at the edge, so credentials are never stored or sent on.
import { z } from "zod";

export const MAX_PROXY_LABEL_LENGTH = 100;
/** A raw proxy value may be a full URL; longer than this it is refused before reduction. */
const MAX_PROXY_INPUT_LENGTH = 2048;

/**
 * The label kept for a proxy: `scheme://user:pass@host:port/path` → `host:port`;
 * `user:pass@host:port` → `host:port`; any other text is kept as it is (trimmed).
 */
export function proxyLabel(raw: string): string {
  const text = raw.trim();
  if (text.includes("://")) {
    try {
      const url = new URL(text);
      if (url.host !== "") return url.host;
    } catch {
      // Not a parseable URL: fall through and at least drop anything that looks like credentials.
    }
    const rest = text.slice(text.indexOf("://") + 3);
    return withoutCredentials(rest).split(/[/?#]/)[0] ?? "";
  }
  return withoutCredentials(text);
}

function withoutCredentials(text: string): string {
  const at = text.lastIndexOf("@");
  return at === -1 ? text : text.slice(at + 1);
}

export const StatusCode = z.number().int().min(100).max(599);

/** The classes figures count navigations by; a 1xx status (never final) is in none. */
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export function statusClassOf(statusCode: number | null | undefined): StatusClass | null {
  if (statusCode == null || statusCode < 200 || statusCode >= 600) return null;
  return STATUS_CLASSES[Math.floor(statusCode / 100) - 2] ?? null;
}

export const BlockReason = z
  .string()
  .regex(/^[a-z0-9_.-]{1,50}$/, "blockReason must be 1-50 characters of a-z 0-9 _ . -");

export const ProxyLabel = z
  .string()
  .max(MAX_PROXY_INPUT_LENGTH, `proxy must be at most ${MAX_PROXY_INPUT_LENGTH} characters`)
  .transform((raw, ctx) => {
    const label = proxyLabel(raw);
    if (label.length === 0 || label.length > MAX_PROXY_LABEL_LENGTH) {
      // The message never repeats the value: it may hold a password.
      ctx.addIssue({
        code: "custom",
        message: `proxy must reduce to a label of 1-${MAX_PROXY_LABEL_LENGTH} characters (a URL becomes host:port)`,
      });
      return z.NEVER;
    }
    return label;
  });

const nullable = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value): z.output<T> | null => value ?? null);

/** Fields a navigation event may carry besides the SPEC 1 ones. */
export const navigationHealthFields = {
  statusCode: nullable(StatusCode),
  blocked: z.boolean().default(false),
  blockReason: nullable(BlockReason),
  proxy: nullable(ProxyLabel),
  bytes: nullable(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
};

/** Fields a scrape event may carry besides the SPEC 1 ones. */
export const scrapeHealthFields = {
  proxy: nullable(ProxyLabel),
};
