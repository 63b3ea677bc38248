// The dashboard works under its Content-Security-Policy: every view, over SSE and WebSocket, with
// no CSP violation reported by the browser (console or securitypolicyviolation events).
import { expect, test } from "@playwright/test";
import { badge, card, ingest, navigation, scrape, uniqueSource } from "./support.ts";

test("the dashboard runs under its CSP without a single violation", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/content security policy|refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `Refused to load (Content Security Policy): ${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });

  const source = uniqueSource("csp");
  const response = await page.goto("/");
  expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
  await expect(badge(page)).toHaveText("Live · SSE");
  await ingest(request, [scrape(source, { durationMs: 1357 }), navigation(source)]);
  await expect(card(page, source)).toContainText("1,357 ms");

  await page.getByText("WebSocket", { exact: true }).click();
  await expect(badge(page)).toHaveText("Live · WebSocket");
  await ingest(request, [scrape(source, { durationMs: 2468 })]);
  await expect(card(page, source)).toContainText("2,468 ms");

  await card(page, source).getByRole("button").first().click();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.goto("/history");
  await page.waitForLoadState("networkidle");
  expect(violations).toEqual([]);
});
