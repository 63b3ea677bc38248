// A live event posted through the API appears on the overview, over SSE and over WebSocket.
import { expect, test } from "@playwright/test";
import { badge, card, ingest, liveCount, navigation, scrape, uniqueSource } from "./support.ts";

test("a scrape posted through the API shows up on its card over SSE", async ({ page, request }) => {
  const source = uniqueSource("live-sse");
  await page.goto("/");
  await expect(badge(page)).toHaveText("Live · SSE");
  await ingest(request, [
    scrape(source, { durationMs: 4321, itemsExtracted: 17 }),
    navigation(source, { durationMs: 987 }),
  ]);
  await expect(card(page, source)).toBeVisible();
  await expect(card(page, source)).toContainText("4,321 ms");
  await expect(card(page, source)).toContainText("987 ms");
  await expect(liveCount(page, source)).toHaveText("2");
  await page.screenshot({ path: test.info().outputPath("overview-live-sse.png"), fullPage: true });
});

test("WebSocket is selectable and delivers the same way", async ({ page, request }) => {
  const source = uniqueSource("live-ws");
  await page.goto("/");
  await expect(badge(page)).toHaveText("Live · SSE");
  await page.getByText("WebSocket", { exact: true }).click();
  await expect(badge(page)).toHaveText("Live · WebSocket");
  await ingest(request, [scrape(source, { durationMs: 2468 })]);
  await expect(card(page, source)).toContainText("2,468 ms");
  await expect(liveCount(page, source)).toHaveText("1");
  await page.screenshot({ path: test.info().outputPath("overview-live-ws.png"), fullPage: true });
});

test("the source view charts a watched source live, in dark mode too", async ({ page, request }) => {
  const source = uniqueSource("charts");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(badge(page)).toHaveText("Live · SSE");
  await ingest(request, [scrape(source, { success: false }), navigation(source)]);
  await card(page, source).getByRole("button").first().click();
  await expect(page).toHaveURL(new RegExp(`/sources/${source}$`));
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await expect(page.getByText("selector not found")).toBeVisible();
  await page.getByText("15 min").click();
  await page.screenshot({ path: test.info().outputPath("source-view-dark.png"), fullPage: true });
});
