// Who the demo pretends to be: four market-data scrapers and one scheduled job, each with the
// timings, yields and failure rates of a plausible real one.

export interface ScraperProfile {
  source: string;
  /** Time between page visits. */
  intervalMs: number;
  navigationMedianMs: number;
  navigationSigma: number;
  scrapeMedianMs: number;
  scrapeSigma: number;
  itemsMean: number;
  itemsSpread: number;
  bytesPerItem: number;
  /** Chance that one navigation attempt fails (retried up to maxAttempts). */
  navigationFailure: number;
  scrapeFailure: number;
  maxAttempts: number;
  url: (symbol: string) => string;
}

export interface SchedulerProfile {
  source: string;
  intervalMs: number;
  medianMs: number;
  sigma: number;
  itemsMean: number;
  itemsSpread: number;
  failure: number;
}

export const SYMBOLS = [
  "AAPL",
  "MSFT",
  "NVDA",
  "AMZN",
  "GOOGL",
  "META",
  "TSLA",
  "AMD",
  "NFLX",
  "INTC",
  "JPM",
  "V",
];

export const SCRAPERS: readonly ScraperProfile[] = [
  {
    source: "robinhood",
    intervalMs: 2500,
    navigationMedianMs: 1400,
    navigationSigma: 0.35,
    scrapeMedianMs: 600,
    scrapeSigma: 0.4,
    itemsMean: 45,
    itemsSpread: 8,
    bytesPerItem: 220,
    navigationFailure: 0.04,
    scrapeFailure: 0.02,
    maxAttempts: 3,
    url: (symbol) => `https://robinhood.com/stocks/${symbol}`,
  },
  {
    source: "cnbc",
    intervalMs: 3000,
    navigationMedianMs: 2200,
    navigationSigma: 0.45,
    scrapeMedianMs: 900,
    scrapeSigma: 0.45,
    itemsMean: 30,
    itemsSpread: 6,
    bytesPerItem: 480,
    navigationFailure: 0.06,
    scrapeFailure: 0.03,
    maxAttempts: 3,
    url: (symbol) => `https://www.cnbc.com/quotes/${symbol}`,
  },
  {
    source: "webull",
    intervalMs: 2000,
    navigationMedianMs: 1100,
    navigationSigma: 0.3,
    scrapeMedianMs: 450,
    scrapeSigma: 0.35,
    itemsMean: 60,
    itemsSpread: 10,
    bytesPerItem: 160,
    navigationFailure: 0.03,
    scrapeFailure: 0.015,
    maxAttempts: 3,
    url: (symbol) => `https://www.webull.com/quote/nasdaq-${symbol.toLowerCase()}`,
  },
  {
    source: "marketbeat",
    intervalMs: 4000,
    navigationMedianMs: 2600,
    navigationSigma: 0.5,
    scrapeMedianMs: 1200,
    scrapeSigma: 0.5,
    itemsMean: 25,
    itemsSpread: 7,
    bytesPerItem: 650,
    navigationFailure: 0.08,
    scrapeFailure: 0.04,
    maxAttempts: 3,
    url: (symbol) => `https://www.marketbeat.com/stocks/NASDAQ/${symbol}/`,
  },
];

export const SCHEDULER: SchedulerProfile = {
  source: "quotes-refresh",
  intervalMs: 20_000,
  medianMs: 8000,
  sigma: 0.3,
  itemsMean: 240,
  itemsSpread: 30,
  failure: 0.05,
};

export const NAVIGATION_ERRORS = [
  "TimeoutError: page.goto: Timeout 30000ms exceeded.",
  "page.goto: net::ERR_CONNECTION_RESET",
  "page.goto: net::ERR_HTTP2_PROTOCOL_ERROR",
  "HTTP 503 Service Unavailable",
];

export const SCRAPE_ERRORS = [
  "locator.textContent: Timeout 5000ms exceeded waiting for '.price'",
  "TypeError: Cannot read properties of null (reading 'textContent')",
  "captcha page detected",
];
