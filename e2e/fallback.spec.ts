// With the stream endpoints blocked the page polls REST (and says so), data keeps arriving, and
// streaming takes over again once it is unblocked, with no event shown twice.
import { expect, test } from "@playwright/test";
import { badge, ingest, liveCount, scrape, uniqueSource } from "./support.ts";

test("blocked streaming falls back to polling and returns to SSE", async ({ page, request }) => {
  const source = uniqueSource("fallback");
  await page.route("**/api/v1/stream**", (route) => route.abort());
  await page.routeWebSocket("**/api/v1/ws**", (ws) => ws.close());
  await page.goto("/");
  await expect(badge(page)).toHaveText("Polling", { timeout: 20_000 });

  await ingest(request, [scrape(source, { durationMs: 1111 })]);
  await expect(liveCount(page, source)).toHaveText("1");
  await expect(badge(page)).toHaveText("Polling");
  await page.screenshot({ path: test.info().outputPath("polling.png"), fullPage: true });

  await page.unroute("**/api/v1/stream**");
  await expect(badge(page)).toHaveText("Live · SSE", { timeout: 30_000 });
  await ingest(request, [scrape(source, { durationMs: 2222 })]);
  await expect(liveCount(page, source)).toHaveText("2");
  // Nothing replayed twice after the switch.
  await page.waitForTimeout(1500);
  await expect(liveCount(page, source)).toHaveText("2");
  await page.screenshot({ path: test.info().outputPath("back-to-live.png"), fullPage: true });
});

test("events posted while polling are not repeated when the stream resumes", async ({ page, request }) => {
  const source = uniqueSource("handover");
  await page.goto("/");
  await expect(badge(page)).toHaveText("Live · SSE");
  await ingest(request, [scrape(source)]);
  await expect(liveCount(page, source)).toHaveText("1");

  // Cut the open stream with a network blip, and keep streaming blocked once the network is back.
  await page.route("**/api/v1/stream**", (route) => route.abort());
  await page.context().setOffline(true);
  await expect(badge(page)).toHaveText("Offline");
  await page.context().setOffline(false);
  await expect(badge(page)).toHaveText("Polling", { timeout: 30_000 });
  await ingest(request, [scrape(source), scrape(source)]);
  await expect(liveCount(page, source)).toHaveText("3");

  await page.unroute("**/api/v1/stream**");
  await expect(badge(page)).toHaveText("Live · SSE", { timeout: 30_000 });
  await ingest(request, [scrape(source)]);
  await expect(liveCount(page, source)).toHaveText("4");
  await page.waitForTimeout(1500);
  await expect(liveCount(page, source)).toHaveText("4");
});
