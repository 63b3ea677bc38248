// Scraper health figures of one minute (SPEC 15): blocked navigations, navigations per status
// class and block reasons. LiveFigures keeps one per minute bucket and sums them over a window.
import { type Metric, STATUS_CLASSES, type StatusClass, statusClassOf } from "@scrapewatch/protocol";

const TOP_REASONS = 5;

export interface MinuteHealth {
  navigations: number;
  blocked: number;
  statusClasses: Record<StatusClass, number>;
  reasons: Map<string, number>;
}

export interface HealthSummary {
  /** Blocked navigations / navigations in the last 5 minutes; null without navigations. */
  blockRate5m: number | null;
  blockRate1h: number | null;
  /** Navigations of the last hour per status class (those without a status are not counted). */
  statusClasses: Record<StatusClass, number>;
  /** The most frequent block reasons of the last hour, most frequent first. */
  topBlockReasons: { reason: string; count: number }[];
}

export function emptyMinuteHealth(): MinuteHealth {
  return {
    navigations: 0,
    blocked: 0,
    statusClasses: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    reasons: new Map(),
  };
}

export function observeHealth(health: MinuteHealth, metric: Metric): void {
  if (metric.type !== "navigation") return;
  health.navigations += 1;
  const statusClass = statusClassOf(metric.statusCode);
  if (statusClass) health.statusClasses[statusClass] += 1;
  if (!metric.blocked) return;
  health.blocked += 1;
  const reason = metric.blockReason ?? "unknown";
  health.reasons.set(reason, (health.reasons.get(reason) ?? 0) + 1);
}

/** `minutes` are the window's minute figures, oldest first, each with its minute number. */
export function summarizeHealth(
  minutes: readonly { minute: number; health: MinuteHealth }[],
  now: number,
): HealthSummary {
  const hour = emptyMinuteHealth();
  let recentNavigations = 0;
  let recentBlocked = 0;
  for (const { minute, health } of minutes) {
    hour.navigations += health.navigations;
    hour.blocked += health.blocked;
    for (const statusClass of STATUS_CLASSES)
      hour.statusClasses[statusClass] += health.statusClasses[statusClass];
    for (const [reason, count] of health.reasons)
      hour.reasons.set(reason, (hour.reasons.get(reason) ?? 0) + count);
    // The current minute and the four before it.
    if (minute > now - 5) {
      recentNavigations += health.navigations;
      recentBlocked += health.blocked;
    }
  }
  return {
    blockRate5m: recentNavigations === 0 ? null : recentBlocked / recentNavigations,
    blockRate1h: hour.navigations === 0 ? null : hour.blocked / hour.navigations,
    statusClasses: hour.statusClasses,
    topBlockReasons: [...hour.reasons]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TOP_REASONS)
      .map(([reason, count]) => ({ reason, count })),
  };
}
