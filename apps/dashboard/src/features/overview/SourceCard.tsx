// One source at a glance: health, latest durations, success rate, throughput, errors.
import type { Monitor } from "@scrapewatch/protocol";
import { memo } from "react";
import type { SourceOverview } from "../../api/shapes.ts";
import { ago, count, ms, percent } from "../../hooks/format.ts";
import { useLive } from "../../hooks/live-context.ts";
import { BLOCKED_WARNING } from "../health/block-rate.ts";
import { StatusStrip } from "../health/StatusStrip.tsx";
import { MonitorStatePill } from "../monitors/MonitorStatePill.tsx";
import { Sparkline } from "./Sparkline.tsx";

interface Props {
  source: string;
  /** Events received for this source: the card re-renders only when it changes (or the clock). */
  stamp: number;
  server: SourceOverview | undefined;
  /** The source's monitor (the same object until the monitors list changes), if it has one. */
  monitor: Monitor | undefined;
  now: number;
  onOpen(source: string): void;
}

export const SourceCard = memo(function SourceCard({ source, server, monitor, now, onOpen }: Props) {
  const { store } = useLive();
  const live = store.get(source);
  const figures = store.figures(source);
  const hasLive = figures !== null && figures.events > 0;
  const successRate = hasLive ? figures.successRate : (server?.successRate ?? null);
  const itemsPerMinute = hasLive ? figures.itemsPerMinute : server ? server.items / 60 : null;
  const errors = hasLive ? figures.errors : (server?.errors ?? null);
  const lastSeen = live?.lastSeen ?? server?.lastSeen ?? null;
  const health = healthOf(successRate);
  // Blocks and status classes: the live 5 minutes once navigations streamed, else the server's hour.
  const liveNavigations = figures !== null && figures.navigations > 0;
  const blockRate = liveNavigations ? figures.blockRate : (server?.health.blockRate1h ?? null);
  const statusClasses = liveNavigations ? figures.statusClasses : server?.health.statusClasses;
  const healthWindow = liveNavigations ? "5 min" : "1 h";
  const scheduler = live
    ? live.lastSchedulerMs !== null && live.lastNavigationMs === null && live.lastScrapeMs === null
    : (server?.schedulerRuns ?? 0) > 0 && !server?.navigations && !server?.scrapes;
  const trend = live
    ? store.series(source, 5 * 60_000).map((p) => p.navigationMs ?? p.scrapeMs ?? p.runMs)
    : [];
  return (
    <article className={`card health-${health}`} data-testid={`source-card-${source}`}>
      <button type="button" className="card-head" onClick={() => onOpen(source)} title={`Open ${source}`}>
        <span className={`health-dot health-${health}`} aria-hidden="true" />
        <h3 className="mono" title={source}>
          {source}
        </h3>
        <MonitorStatePill monitor={monitor} />
        <span className="muted small" title={typeof lastSeen === "string" ? lastSeen : undefined}>
          {ago(lastSeen, now)}
        </span>
      </button>
      <div className="trend">
        <Sparkline values={trend} label={`${source} durations, last 5 minutes`} />
      </div>
      <dl className="figures">
        {scheduler ? (
          <>
            <Figure label="Last run" value={ms(live?.lastSchedulerMs)} hint="duration" />
            <Figure
              label="Runs"
              value={count(live?.received ?? server?.schedulerRuns)}
              hint={live ? "since opened" : "1 h"}
            />
          </>
        ) : (
          <>
            <Figure
              label="Navigation"
              value={ms(live?.lastNavigationMs ?? server?.p50NavigationMs)}
              hint={live?.lastNavigationMs != null ? "last" : "p50, 1 h"}
            />
            <Figure
              label="Scrape"
              value={ms(live?.lastScrapeMs ?? server?.p50ScrapeMs)}
              hint={live?.lastScrapeMs != null ? "last" : "p50, 1 h"}
            />
          </>
        )}
        <Figure label="Success" value={percent(successRate)} hint={hasLive ? "5 min" : "1 h"} />
        <Figure label="Items / min" value={count(itemsPerMinute, 1)} hint={hasLive ? "5 min" : "1 h"} />
        <Figure
          label="Errors"
          value={count(errors)}
          hint={hasLive ? "5 min" : "1 h"}
          tone={errors ? "bad" : undefined}
        />
        {!scheduler && (
          <Figure
            label="Blocked"
            value={percent(blockRate)}
            hint={healthWindow}
            tone={blockRate !== null && blockRate >= BLOCKED_WARNING ? "bad" : undefined}
            testId="block-rate"
          />
        )}
        <Figure
          label="Live events"
          value={count(live?.received ?? 0)}
          hint="since opened"
          testId="live-count"
        />
      </dl>
      {!scheduler && statusClasses && <StatusStrip counts={statusClasses} hint={healthWindow} />}
    </article>
  );
});

function Figure(props: {
  label: string;
  value: string;
  hint: string;
  tone?: "bad" | undefined;
  testId?: string;
}) {
  return (
    <div className="figure">
      <dt>{props.label}</dt>
      <dd className={props.tone === "bad" ? "bad" : undefined} data-testid={props.testId}>
        {props.value}
      </dd>
      <span className="hint">{props.hint}</span>
    </div>
  );
}

function healthOf(rate: number | null): "ok" | "warn" | "bad" | "idle" {
  if (rate === null) return "idle";
  if (rate >= 0.95) return "ok";
  if (rate >= 0.8) return "warn";
  return "bad";
}
