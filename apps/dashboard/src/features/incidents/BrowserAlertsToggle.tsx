// The switch for browser notifications on the incidents page, saying plainly why it cannot be
// turned on when the browser has no notifications or the user blocked them for this site.
import { useSyncExternalStore } from "react";
import { useLive } from "../../hooks/live-context.ts";

export function BrowserAlertsToggle() {
  const { browserAlerts } = useLive();
  const state = useSyncExternalStore(
    (listener) => browserAlerts.subscribe(listener),
    () => browserAlerts.state,
  );
  if (state === "unsupported")
    return <p className="muted">This browser cannot show notifications for this page.</p>;
  if (state === "denied")
    return (
      <p className="muted" data-testid="browser-alerts">
        Notifications are blocked for this site in the browser's settings.
      </p>
    );
  return (
    <p className="browser-alerts" data-testid="browser-alerts">
      <label>
        <input
          type="checkbox"
          checked={state === "on"}
          onChange={(e) => (e.target.checked ? void browserAlerts.enable() : browserAlerts.disable())}
        />{" "}
        Notify me in this browser while a dashboard tab is open
      </label>
    </p>
  );
}
