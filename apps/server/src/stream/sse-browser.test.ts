import { type Browser, chromium } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

// Page code is passed as strings: this package is type-checked without the DOM library.
const OPEN_STREAM = (source: string) => `
  window.received = [];
  window.opens = 0;
  const events = new EventSource("/api/v1/stream?sources=${source}");
  events.addEventListener("open", () => { window.opens += 1; });
  events.addEventListener("metrics", (event) => {
    window.received.push(...JSON.parse(event.data).metrics.map((m) => m.id));
  });
`;

describe("SSE in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server.stop();
  });

  it("EventSource receives batches and, after the server cuts it, resumes by Last-Event-ID", async () => {
    const source = uniqueSource();
    const page = await browser.newPage();
    // A same-origin page of the test's own: API answers carry `default-src 'none'`, which would
    // (rightly) forbid a page made from them to open a stream.
    await page.route(`${server.url}/blank`, (route) =>
      route.fulfill({ contentType: "text/html", body: "<!doctype html><title>blank</title>" }),
    );
    await page.goto(`${server.url}/blank`);
    await page.evaluate(OPEN_STREAM(source));
    const ingest = async () =>
      (
        (await (
          await server.ingest({ metrics: [navigationEvent(source), navigationEvent(source)] })
        ).json()) as {
          ids: string[];
        }
      ).ids;

    await eventually(
      () => page.evaluate<number>("window.opens"),
      (n) => n === 1,
    );
    const first = await ingest();
    await eventually(
      () => page.evaluate<number>("window.received.length"),
      (n) => n === 2,
    );
    // Cut the stream from the server side; the browser reconnects after `retry: 3000`.
    for (const client of server.services.streams.each("sse")) client.end();
    const missed = await ingest();
    const received = await eventually(
      () => page.evaluate<string[]>("window.received"),
      (ids) => ids.length >= 4,
      15_000,
    );
    expect(received).toEqual([...first, ...missed]);
    expect(await page.evaluate<number>("window.opens")).toBe(2);
    expect(server.services.streams.stats.resumeHits).toBeGreaterThanOrEqual(1);
    await page.close();
  });
});
