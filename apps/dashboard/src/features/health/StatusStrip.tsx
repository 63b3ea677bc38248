// Navigations per status class as one thin stacked bar with its legend: a card shows at a glance
// whether a scraper is mostly answered 2xx or has started collecting 403s and 5xx.
import { STATUS_CLASSES } from "@scrapewatch/protocol";
import { count } from "../../hooks/format.ts";
import type { StatusCounts } from "../../stream/live-store.ts";

export function StatusStrip({ counts, hint }: { counts: StatusCounts; hint: string }) {
  const present = STATUS_CLASSES.filter((c) => counts[c] > 0);
  if (present.length === 0) return null;
  const label = present.map((c) => `${c}: ${counts[c]}`).join(", ");
  return (
    <div className="status-strip" data-testid="status-classes" title={`Navigations by status, ${hint}`}>
      <div className="status-bar" role="img" aria-label={`Navigations by status, ${hint}: ${label}`}>
        {present.map((c) => (
          <span key={c} className={`segment status-${c}`} style={{ flexGrow: counts[c] }} />
        ))}
      </div>
      <ul className="status-legend">
        {present.map((c) => (
          <li key={c}>
            <i className={`swatch status-${c}`} aria-hidden="true" />
            {c} <span className="mono">{count(counts[c])}</span>
          </li>
        ))}
        <li className="hint">{hint}</li>
      </ul>
    </div>
  );
}
