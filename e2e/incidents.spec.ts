// The Incidents page follows incidents live: a source that goes silent shows up among the open
// incidents (with what was sent where), and moves to the history when it reports again.
import { expect, test } from "@playwright/test";
import { ingest, scrape, uniqueSource } from "./support.ts";

test("a silent source's incident opens and resolves on the incidents page", async ({ page, request }) => {
  const source = uniqueSource("silent");
  await ingest(request, [scrape(source)]);
  // Watched closely: silent after 2 s without an event (no ADMIN_TOKENS in these journeys).
  const put = await request.put(`/api/v1/monitors/${source}`, { data: { silenceAfterSeconds: 2 } });
  expect(put.status(), await put.text()).toBe(200);

  await page.goto("/incidents");
  const open = page.getByTestId("open-incidents").locator(".incident").filter({ hasText: source });
  await expect(open).toBeVisible({ timeout: 20_000 });
  await expect(open).toContainText("Silent");
  // No channel is configured here: the page says nothing was sent, and where to add one.
  await expect(open).toContainText("nothing was sent");
  await page.screenshot({ path: test.info().outputPath("incident-open.png"), fullPage: true });

  await ingest(request, [scrape(source)]);
  const resolved = page.getByTestId("resolved-incidents").locator(".incident").filter({ hasText: source });
  await expect(resolved).toBeVisible();
  await expect(open).toHaveCount(0);

  // The overview card and the sources list show the monitor's state.
  await page.goto("/");
  await expect(page.getByTestId(`source-card-${source}`).getByTestId("monitor-state")).toBeVisible();
});

test("browser notifications, once turned on, announce an incident while the tab is open", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["notifications"]);
  // Records what the page shows, then lets the browser's own Notification do the rest.
  await page.addInitScript(() => {
    const Original = window.Notification;
    const shown: string[] = [];
    Object.assign(window, { shownNotifications: shown });
    class Recording extends Original {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title} | ${options?.tag ?? ""}`);
      }
    }
    Object.defineProperty(window, "Notification", { value: Recording });
  });
  const source = uniqueSource("notified");
  await ingest(request, [scrape(source)]);
  await page.goto("/incidents");
  const toggle = page.getByTestId("browser-alerts").getByRole("checkbox");
  await toggle.check();
  await expect(toggle).toBeChecked();

  const put = await request.put(`/api/v1/monitors/${source}`, { data: { silenceAfterSeconds: 2 } });
  expect(put.status(), await put.text()).toBe(200);
  await expect
    .poll(
      () => page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications),
      {
        timeout: 20_000,
      },
    )
    .toContainEqual(expect.stringMatching(new RegExp(`^Silent: ${source} \\| .+:opened$`)));
  await ingest(request, [scrape(source)]);
  await expect
    .poll(() =>
      page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications),
    )
    .toContainEqual(expect.stringMatching(new RegExp(`^Resolved: ${source} \\| .+:resolved$`)));
});
