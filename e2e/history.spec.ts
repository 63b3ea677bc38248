// History shows daily summaries: past-day events are seeded through the API, the day is rolled up
// with the aggregation command, and the table and charts show it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { ingest, navigation, scrape, uniqueSource } from "./support.ts";

const CLI = join(import.meta.dirname, "..", "apps/server/dist/jobs/aggregate-cli.js");

test("daily summaries of a past day appear as table and charts", async ({ page, request }) => {
  test.skip(
    !existsSync(CLI),
    "the aggregation command (apps/server/dist/jobs/aggregate-cli.js) is not built",
  );
  const source = uniqueSource("history");
  const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const at = (hour: number) => `${day}T${String(hour).padStart(2, "0")}:15:00.000Z`;
  await ingest(request, [
    scrape(source, { durationMs: 500, itemsExtracted: 10, timestamp: at(9) }),
    scrape(source, { durationMs: 700, itemsExtracted: 20, timestamp: at(10) }),
    scrape(source, { durationMs: 900, itemsExtracted: 30, success: false, timestamp: at(11) }),
    navigation(source, { durationMs: 1500, timestamp: at(9) }),
  ]);
  // The rows must be written before the day is summarized.
  await expect
    .poll(async () => {
      const response = await request.get(`/api/v1/metrics?source=${source}&limit=10`);
      return ((await response.json()) as { items: unknown[] }).items.length;
    })
    .toBe(4);
  execFileSync(process.execPath, [CLI, "--date", day], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, LOG_LEVEL: "warn" },
    stdio: "inherit",
  });

  await page.goto("/history");
  const row = page.getByTestId("daily-summaries").getByRole("row").filter({ hasText: source });
  await expect(row).toBeVisible();
  await expect(row).toContainText(day);
  await expect(row).toContainText("60"); // items
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("history.png"), fullPage: true });
});
