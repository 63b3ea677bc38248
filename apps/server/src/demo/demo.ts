// Demo mode: synthetic scrapers and a scheduler that report through the SDK's MetricsRecorder to
// this server's own URL, so a newcomer sees live charts at once. Now and then a scraper goes
// through an "incident" (slow pages, empty results, or one of its proxies banned: 403 captcha
// pages) for the anomaly detector and the health figures to show; now and then a 429 comes back.
import {
  MetricsRecorder,
  type NavigationHealth,
  type NavigationRecord,
  type ScrapeRecord,
} from "@scrapewatch/client";
import { DEMO_TRAFFIC_HEADER, DEMO_TRAFFIC_MARK } from "../observability/request-log.ts";
import { runDemoJob } from "./demo-job.ts";
import { chance, count, lognormal, pick, type Random } from "./distributions.ts";
import {
  NAVIGATION_ERRORS,
  SCHEDULER,
  SCRAPE_ERRORS,
  SCRAPERS,
  type SchedulerProfile,
  type ScraperProfile,
  SYMBOLS,
} from "./profiles.ts";

export interface DemoLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface DemoOptions {
  /** The server's own URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An ingest token, when INGEST_TOKENS is set. */
  token?: string;
  logger?: DemoLogger;
  /** Multiplies every interval: tests run the demo fast (e.g. 0.01). Default 1. */
  pace?: number;
  random?: Random;
}

export interface Demo {
  stop(): Promise<void>;
}

/** Chance per visit that a scraper starts an incident, and how many visits one lasts. */
const INCIDENT_CHANCE = 0.004;
const INCIDENT_VISITS = 8;

/** Chance that a retry fails again after a failed attempt. */
const RETRY_FAILURE = 0.35;

type Incident = { kind: "slow" | "empty" | "banned"; visitsLeft: number };

/** Each scraper rotates through three proxies; a ban hits the first, the others keep working. */
const PROXIES = ["10.20.0.11:3128", "10.20.0.12:3128", "10.20.0.13:3128"];
const BANNED_PROXY = PROXIES[0] ?? "";
/** Chance that a site answers an attempt with 429 (rate limited) on an ordinary visit. */
const RATE_LIMITED = 0.02;

export interface Visit {
  navigation: NavigationRecord & NavigationHealth;
  scrape: ScrapeRecord | null;
}

/** How a site turns a visit away: its answer, which comes `faster` times sooner than a page. */
interface Block {
  statusCode: number;
  error: string;
  reason: string;
  faster: number;
}
const CAPTCHA: Block = {
  statusCode: 403,
  error: "403 Forbidden: captcha page",
  reason: "captcha",
  faster: 2,
};
const TOO_MANY_REQUESTS: Block = {
  statusCode: 429,
  error: "429 Too Many Requests",
  reason: "rate_limited",
  faster: 3,
};

/** A visit blocked on its first attempt: a failed, blocked navigation and no scrape. */
function blockedVisit(
  profile: ScraperProfile,
  random: Random,
  url: string,
  proxy: string,
  block: Block,
): Visit {
  const navigation = {
    url,
    durationMs: Math.round(
      lognormal(random, profile.navigationMedianMs / block.faster, profile.navigationSigma),
    ),
    success: false,
    error: block.error,
    statusCode: block.statusCode,
    blocked: true,
    blockReason: block.reason,
    proxy,
  };
  return { navigation, scrape: null };
}

/** One page visit of a scraper: the navigation (with retries) and, if it loaded, the scrape. */
export function simulateVisit(profile: ScraperProfile, random: Random, incident: Incident | null): Visit {
  const url = profile.url(pick(random, SYMBOLS));
  const slow = incident?.kind === "slow" ? 6 : 1;
  let durationMs = 0;
  let attempt = 0;
  let loaded = false;
  const proxy = pick(random, PROXIES);
  if (incident?.kind === "banned" && proxy === BANNED_PROXY)
    return blockedVisit(profile, random, url, proxy, CAPTCHA);
  if (chance(random, RATE_LIMITED)) return blockedVisit(profile, random, url, proxy, TOO_MANY_REQUESTS);
  for (; attempt < profile.maxAttempts; attempt++) {
    durationMs += lognormal(random, profile.navigationMedianMs * slow, profile.navigationSigma);
    // Failures cluster (a site that failed once is likely still struggling): a retry fails more often.
    if (!chance(random, attempt === 0 ? profile.navigationFailure : RETRY_FAILURE)) {
      loaded = true;
      break;
    }
  }
  const navigation = {
    url,
    durationMs: Math.round(durationMs),
    retryCount: loaded ? attempt : profile.maxAttempts - 1,
    success: loaded,
    error: loaded ? null : pick(random, NAVIGATION_ERRORS),
    // A load answered 200; a failed one timed out or got a server error (no status then).
    statusCode: loaded ? 200 : null,
    proxy,
  };
  if (!loaded) return { navigation, scrape: null };
  const scrapeMs = Math.round(lognormal(random, profile.scrapeMedianMs * slow, profile.scrapeSigma));
  if (chance(random, profile.scrapeFailure)) {
    return {
      navigation,
      scrape: { url, durationMs: scrapeMs, success: false, error: pick(random, SCRAPE_ERRORS) },
    };
  }
  const items = incident?.kind === "empty" ? 0 : count(random, profile.itemsMean, profile.itemsSpread);
  const dataSize = Math.round(items * profile.bytesPerItem * lognormal(random, 1, 0.1)) + 1500;
  return {
    navigation,
    scrape: { url, durationMs: scrapeMs, itemsExtracted: items, dataSize, success: true },
  };
}

export function simulateSchedulerRun(profile: SchedulerProfile, random: Random) {
  const durationMs = Math.round(lognormal(random, profile.medianMs, profile.sigma));
  if (chance(random, profile.failure)) {
    return { durationMs, itemsProcessed: 0, success: false, error: "upstream API answered 502 Bad Gateway" };
  }
  return { durationMs, itemsProcessed: count(random, profile.itemsMean, profile.itemsSpread), success: true };
}

export function startDemo(options: DemoOptions): Demo {
  const random = options.random ?? Math.random;
  const pace = options.pace ?? 1;
  const logger = options.logger;
  const recorder = new MetricsRecorder({
    baseUrl: options.baseUrl,
    token: options.token,
    // Marked as the demo's own, so the access log keeps them at debug.
    headers: { [DEMO_TRAFFIC_HEADER]: DEMO_TRAFFIC_MARK },
    // The server process handles its own signals and stops the demo itself.
    flushOnExit: false,
    closeTimeoutMs: 1000,
    onError: (error) => logger?.warn("demo metrics refused", { err: error }),
  });
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const every = (intervalMs: number, tick: () => void) => {
    const schedule = (first: boolean) => {
      // ±30 % jitter so the sources do not tick in lockstep; the first tick comes early, so a
      // newcomer sees every source (the scheduler too) within one interval of starting.
      const delay = intervalMs * pace * (first ? random() : 0.7 + 0.6 * random());
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopped) return;
        tick();
        schedule(false);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    schedule(true);
  };

  for (const profile of SCRAPERS) {
    let incident: Incident | null = null;
    every(profile.intervalMs, () => {
      if (!incident && chance(random, INCIDENT_CHANCE)) {
        const kind = pick(random, ["slow", "empty", "banned"] as const);
        // A banned proxy stays banned for a while: long enough to show on the block-rate line.
        incident = { kind, visitsLeft: kind === "banned" ? INCIDENT_VISITS * 5 : INCIDENT_VISITS };
        logger?.info("demo incident starts", { source: profile.source, kind: incident.kind });
      }
      const visit = simulateVisit(profile, random, incident);
      recorder.recordPageNavigation(profile.source, visit.navigation);
      if (visit.scrape) recorder.recordPageScrape(profile.source, visit.scrape);
      if (incident && --incident.visitsLeft <= 0) incident = null;
    });
  }
  every(SCHEDULER.intervalMs, () =>
    recorder.recordSchedulerRun(SCHEDULER.source, simulateSchedulerRun(SCHEDULER, random)),
  );

  runDemoJob({
    recorder,
    pace,
    later: (delayMs, fn) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) fn();
      }, delayMs);
      timer.unref();
      timers.add(timer);
    },
  });

  logger?.info("demo scrapers running (DEMO=0 turns them off)", {
    sources: [...SCRAPERS.map((s) => s.source), SCHEDULER.source],
  });
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await recorder.close();
    },
  };
}
