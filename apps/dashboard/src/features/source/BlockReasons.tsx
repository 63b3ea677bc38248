// Why a source was blocked in the last hour, most frequent first (from GET /api/v1/sources).
import type { HealthFigures } from "@scrapewatch/protocol";
import { count } from "../../hooks/format.ts";

export function BlockReasons({ health }: { health: HealthFigures | undefined }) {
  const reasons = health?.topBlockReasons ?? [];
  return (
    <section>
      <h3 className="section-title">Block reasons, last hour</h3>
      {reasons.length === 0 ? (
        <p className="muted">No blocked navigations in the last hour.</p>
      ) : (
        <ul className="block-reasons" data-testid="block-reasons">
          {reasons.map((r) => (
            <li key={r.reason}>
              <span className="mono">{r.reason}</span> <span className="muted">{count(r.count)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
