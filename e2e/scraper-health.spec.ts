// Scraper health as a newcomer sees it: a block rate and status classes on the card, then in the
// source view the per-minute status chart, the proxies table (credentials cut off) and the
// reasons the source was blocked.
import { expect, test } from "@playwright/test";
import { card, ingest, navigation, uniqueSource } from "./support.ts";

test("blocks, status classes and proxies show on the card and in the source view", async ({
  page,
  request,
}) => {
  const source = uniqueSource("health");
  const banned = "http://user:secret@10.0.0.1:8080";
  await ingest(request, [
    { ...navigation(source), statusCode: 200, proxy: banned },
    { ...navigation(source), statusCode: 200, proxy: "10.0.0.2:3128" },
    {
      ...navigation(source),
      success: false,
      error: "captcha page",
      statusCode: 403,
      blocked: true,
      blockReason: "captcha",
      proxy: banned,
    },
  ]);
  await page.goto("/");
  const sourceCard = card(page, source);
  await expect(sourceCard.getByTestId("block-rate")).toHaveText("33.3 %");
  await expect(sourceCard.getByTestId("status-classes")).toContainText("2xx 2");
  await expect(sourceCard.getByTestId("status-classes")).toContainText("4xx 1");

  await sourceCard.getByRole("button").first().click();
  await expect(page).toHaveURL(new RegExp(`/sources/${source}$`));
  const chart = page.getByTestId("health-chart");
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  const proxies = page.getByTestId("proxies-table");
  await expect(proxies.getByRole("row", { name: /10\.0\.0\.1:8080/ })).toContainText("50.0 %");
  await expect(proxies).toContainText("10.0.0.2:3128");
  await expect(proxies).not.toContainText("secret");
  await expect(page.getByTestId("block-reasons")).toContainText("captcha");
  await page.screenshot({ path: test.info().outputPath("source-view-health.png"), fullPage: true });
});
