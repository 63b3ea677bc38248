// Alerts settings (SPEC 14): the admin token, notification channels, silences and each source's
// monitor. Loaded lazily: none of it is needed for the first paint.
import { AdminTokenBar } from "./AdminTokenBar.tsx";
import { ChannelsSection } from "./ChannelsSection.tsx";
import { MonitorSettingsSection } from "./MonitorSettingsSection.tsx";
import { SilencesSection } from "./SilencesSection.tsx";

export default function AlertsPage() {
  return (
    <div data-testid="alerts-page">
      <AdminTokenBar />
      <ChannelsSection />
      <SilencesSection />
      <MonitorSettingsSection />
    </div>
  );
}
