// gotoWithRetriesTracked on a site that blocks scrapers (SPEC 15), in the real Chromium through
// Playwright and Puppeteer: status codes, 403/429 blocks retried, a captcha page found by the
// caller's own check, and the proxy label.
import { chromium, type Page, type Browser as PlaywrightBrowser } from "playwright-core";
import puppeteer, { type Browser as PuppeteerBrowser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test/fixture-site.ts";
import { useTrackingFixture } from "../test/tracking-fixture.ts";
import { NavigationBlockedError } from "./response-health.ts";
import { gotoWithRetriesTracked } from "./scraper-tracking.ts";

const { site, ingest, freshRecorder, recorded, unique } = useTrackingFixture();

const captchaCheck = async (_response: unknown, page: { $(selector: string): Promise<unknown> }) =>
  (await page.$("#captcha-box")) ? "captcha" : false;

describe("with Playwright", () => {
  let browser: PlaywrightBrowser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => browser.close());

  it("records every attempt answered 403 as blocked and failed, retries, then throws", async () => {
    const page = await browser.newPage();
    const source = unique("pw-403");
    const started = Date.now();
    const failure = await gotoWithRetriesTracked(
      page,
      site.url("/status?code=403"),
      { waitUntil: "load" },
      3,
      source,
      freshRecorder(),
    ).catch((error: unknown) => error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295); // waits of 100 ms, then 200 ms
    expect(failure).toBeInstanceOf(NavigationBlockedError);
    expect(failure).toMatchObject({ statusCode: 403, reason: "http_403" });
    const events = await recorded(source);
    expect(events).toHaveLength(3);
    expect(events).toMatchObject(
      [0, 1, 2].map((attempt) => ({
        type: "navigation",
        retryCount: attempt,
        success: false,
        statusCode: 403,
        blocked: true,
        blockReason: "http_403",
        bytes: expect.any(Number),
      })),
    );
    await page.close();
  });

  it("retries a 429 and returns the 200 that follows, recording both", async () => {
    const page = await browser.newPage();
    const source = unique("pw-429");
    const response = await gotoWithRetriesTracked(
      page,
      site.url(`/limited?key=${source}&fail=1`),
      undefined,
      3,
      source,
      freshRecorder(),
    );
    expect(response?.status()).toBe(200);
    expect(await recorded(source)).toMatchObject([
      { retryCount: 0, statusCode: 429, blocked: true, blockReason: "http_429", success: false },
      { retryCount: 1, statusCode: 200, blocked: false, blockReason: null, success: true },
    ]);
    await page.close();
  });

  it("calls a captcha page blocked when isBlocked says so, with its reason", async () => {
    const page = await browser.newPage();
    const source = unique("pw-captcha");
    const failure = await gotoWithRetriesTracked(
      page,
      site.url("/captcha"),
      { isBlocked: captchaCheck },
      2,
      source,
      freshRecorder(),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "NavigationBlockedError", reason: "captcha", statusCode: 200 });
    expect(await recorded(source)).toMatchObject([
      { statusCode: 200, blocked: true, blockReason: "captcha", success: false, error: "blocked: captcha" },
      { statusCode: 200, blocked: true, blockReason: "captcha", success: false },
    ]);
    await page.close();
  });

  it("labels events with the proxy's host:port and keeps the SDK's options from page.goto", async () => {
    const real = await browser.newPage();
    const passed: unknown[] = [];
    // The real page, with the options it receives noted on the way.
    const page = {
      goto: (url: string, options?: Parameters<Page["goto"]>[1]) => {
        passed.push(options);
        return real.goto(url, options);
      },
    };
    const source = unique("pw-proxy");
    await gotoWithRetriesTracked(
      page,
      site.url("/quotes"),
      {
        waitUntil: "load",
        proxy: "http://user:s3cret@gate.proxy.test:8080",
        isBlocked: () => false,
      },
      1,
      source,
      freshRecorder(),
    );
    expect(passed).toEqual([{ waitUntil: "load" }]);
    const [event] = await recorded(source);
    expect(event).toMatchObject({ proxy: "gate.proxy.test:8080", blocked: false, statusCode: 200 });
    expect(JSON.stringify(ingest.events)).not.toContain("s3cret");
    await real.close();
  });
});

describe("with Puppeteer", () => {
  let browser: PuppeteerBrowser;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => browser.close());

  it("records a 503 as blocked, a captcha by isBlocked, and a 200 as it is", async () => {
    const page = await browser.newPage();
    const source = unique("pp-blocks");
    const recorder = freshRecorder();
    const unavailable = await gotoWithRetriesTracked(
      page,
      site.url("/status?code=503"),
      undefined,
      1,
      source,
      recorder,
    ).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(NavigationBlockedError);
    const captcha = await gotoWithRetriesTracked(
      page,
      site.url("/captcha"),
      { isBlocked: () => true },
      1,
      source,
      recorder,
    ).catch((error: unknown) => error);
    expect(captcha).toMatchObject({ reason: "detected" });
    const ok = await gotoWithRetriesTracked(
      page,
      site.url("/quotes"),
      { proxy: "dc-7" },
      1,
      source,
      recorder,
    );
    expect(ok?.status()).toBe(200);
    expect(await recorded(source)).toMatchObject([
      { statusCode: 503, blocked: true, blockReason: "http_503", success: false },
      { statusCode: 200, blocked: true, blockReason: "detected", success: false },
      { statusCode: 200, blocked: false, proxy: "dc-7", success: true, bytes: expect.any(Number) },
    ]);
    await page.close();
  });
});
