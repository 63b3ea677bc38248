// Process-wide defaults for the scraper wrappers: the recorder they report to when none is
// passed (configure() or SCRAPEWATCH_URL / SCRAPEWATCH_TOKEN) and the wait between navigations.
import type { BackoffPolicy } from "./backoff.ts";
import { MetricsRecorder, type MetricsRecorderOptions, warn } from "./recorder.ts";

export interface ConfigureOptions extends Partial<MetricsRecorderOptions> {
  /** Wait between navigation attempts. Default 1 s × 2 up to 10 s, 30 % jittered. */
  navigationRetry?: Partial<BackoffPolicy>;
}

let current: MetricsRecorder | null = null;
let navigationRetry: BackoffPolicy = { baseDelayMs: 1000, factor: 2, maxDelayMs: 10_000, jitter: 0.3 };
let warnedMissing = false;

/**
 * Sets the default recorder (when `baseUrl` is given; a previous default is closed) and the
 * navigation retry policy. Returns the default recorder, if any.
 */
export function configure(options: ConfigureOptions): MetricsRecorder | null {
  const { navigationRetry: retry, ...recorderOptions } = options;
  if (retry) navigationRetry = { ...navigationRetry, ...retry };
  if (recorderOptions.baseUrl !== undefined) {
    const previous = current;
    current = new MetricsRecorder({ ...recorderOptions, baseUrl: recorderOptions.baseUrl });
    if (previous) void previous.close();
  }
  return current;
}

/** The default recorder: configured, else built from SCRAPEWATCH_URL, else null (with one warning). */
export function defaultRecorder(): MetricsRecorder | null {
  if (current) return current;
  const env = typeof process === "undefined" ? {} : process.env;
  const baseUrl = env.SCRAPEWATCH_URL;
  if (baseUrl) {
    current = new MetricsRecorder({ baseUrl, token: env.SCRAPEWATCH_TOKEN || undefined });
    return current;
  }
  if (!warnedMissing) {
    warnedMissing = true;
    warn(
      "no Scrapewatch recorder: call configure({ baseUrl }) or set SCRAPEWATCH_URL; metrics are not sent",
      "SCRAPEWATCH_NOT_CONFIGURED",
    );
  }
  return null;
}

export function navigationRetryPolicy(): BackoffPolicy {
  return navigationRetry;
}
