// How each incident kind is named to a person: the incidents page and browser notifications.
import type { IncidentKind } from "@scrapewatch/protocol";

export const KIND_LABELS: Record<IncidentKind, string> = {
  silence: "Silent",
  missed_run: "Missed run",
  run_overdue: "Run overdue",
  failures: "Failing",
  blocked: "Blocked",
  anomaly: "Anomaly",
};
