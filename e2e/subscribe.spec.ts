// Picking sources subscribes and unsubscribes: an unwatched source's events are not delivered.
import { expect, test } from "@playwright/test";
import { badge, card, ingest, liveCount, scrape, uniqueSource } from "./support.ts";

for (const transport of ["SSE", "WebSocket"] as const) {
  test(`unticking a source stops its events and ticking it again resumes them (${transport})`, async ({
    page,
    request,
  }) => {
    const kept = uniqueSource("kept");
    const dropped = uniqueSource("dropped");
    await page.goto(transport === "WebSocket" ? "/?transport=websocket" : "/");
    await expect(badge(page)).toHaveText(`Live · ${transport}`);
    await ingest(request, [scrape(kept), scrape(dropped)]);
    await expect(liveCount(page, kept)).toHaveText("1");
    await expect(liveCount(page, dropped)).toHaveText("1");

    await page.getByLabel(`Watch ${dropped}`).uncheck();
    await expect(card(page, dropped)).toHaveCount(0);
    await ingest(request, [scrape(dropped)]);
    // Posted after the unwatched one, so once it shows, the other has had its chance to leak in.
    await page.waitForTimeout(500);
    await ingest(request, [scrape(kept)]);
    await expect(liveCount(page, kept)).toHaveText("2");
    await expect(badge(page)).toHaveText(`Live · ${transport}`);

    await page.getByLabel(`Watch ${dropped}`).check();
    await expect(liveCount(page, dropped)).toHaveText("1");
    await ingest(request, [scrape(dropped)]);
    await expect(liveCount(page, dropped)).toHaveText("2");
    await expect(liveCount(page, kept)).toHaveText("2");
    await page.screenshot({ path: test.info().outputPath(`subscribe-${transport}.png`), fullPage: true });
  });
}
