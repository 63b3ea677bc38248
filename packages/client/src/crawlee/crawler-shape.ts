// The parts of a Crawlee crawler and its crawling context the instrumentation touches, written
// structurally so this package needs no runtime import of crawlee (an optional peer) and works
// with `crawlee` and the `@crawlee/*` packages alike. Checked against crawlee 3.x: the hook lists
// and handlers are the ones its options fill (`preNavigationHooks`, `requestHandler`...).

export interface CrawleeRequest {
  url: string;
  loadedUrl?: string;
  retryCount: number;
}

/** Playwright's and Puppeteer's Response (browser crawlers) or Node's IncomingMessage (HTTP ones). */
export type CrawleeResponse =
  | { status(): number; headers?(): Record<string, string> }
  | { statusCode?: number; headers?: Record<string, string | string[] | undefined> };

export interface CrawleeContext {
  request: CrawleeRequest;
  response?: CrawleeResponse;
  proxyInfo?: { url?: string };
  pushData?: (data: unknown, ...rest: unknown[]) => Promise<void>;
}

export type Hook = (context: CrawleeContext, options?: unknown) => unknown;
export type Handler = (context: CrawleeContext) => unknown;
export type ErrorHandler = (context: CrawleeContext, error: Error) => unknown;

export interface RunStatistics {
  requestsFinished: number;
  requestsFailed: number;
}

export interface CrawlerInternals {
  preNavigationHooks?: Hook[];
  postNavigationHooks?: Hook[];
  /** Browser crawlers keep the user's handler here (their `requestHandler` is their own). */
  userProvidedRequestHandler?: Handler;
  requestHandler?: Handler;
  errorHandler?: ErrorHandler;
  failedRequestHandler?: ErrorHandler;
  sessionPool?: { blockedStatusCodes?: number[] };
  run(...args: unknown[]): Promise<RunStatistics>;
}

/** What `instrumentCrawler` accepts: a PlaywrightCrawler, CheerioCrawler or another of crawlee's. */
export interface InstrumentableCrawler {
  // Method syntax: each crawler's own `run` signature stands in.
  run(...args: never[]): Promise<RunStatistics>;
}
