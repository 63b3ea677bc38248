// A source's monitor at a glance: its state and how many incidents are open, on the overview
// cards and in the sources list. Reads one shared react-query list of monitors.
import type { Monitor, MonitorState } from "@scrapewatch/protocol";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { monitorsQuery } from "../../api/monitoring.ts";

const LABELS: Record<MonitorState, string> = {
  new: "learning",
  up: "up",
  late: "late",
  down: "down",
  failing: "failing",
  paused: "paused",
};

export function useMonitors(): Map<string, Monitor> {
  const { data } = useQuery({ ...monitorsQuery(), retry: false });
  return useMemo(() => new Map((data ?? []).map((monitor) => [monitor.source, monitor])), [data]);
}

export function MonitorStatePill({ monitor }: { monitor: Monitor | undefined }) {
  if (!monitor) return null;
  const open = monitor.openIncidents.length;
  const title =
    monitor.state === "new"
      ? "Too little history to judge yet (fewer than 5 gaps of its rhythm seen)"
      : `Monitor ${monitor.state}${open ? `, ${open} open incident${open > 1 ? "s" : ""}` : ""}`;
  return (
    <span className={`monitor-pill monitor-${monitor.state}`} title={title} data-testid="monitor-state">
      {LABELS[monitor.state]}
      {open > 0 && <span className="monitor-count"> · {open} open</span>}
    </span>
  );
}
