// The connection badge: what the page is really doing right now.
import { useEffect, useState } from "react";
import { useLinkStatus, useLive } from "../../hooks/live-context.ts";
import { connectionLabel } from "./connection-label.ts";

export function ConnectionBadge() {
  const status = useLinkStatus();
  const { connection } = useLive();
  const { text, tone } = connectionLabel(status);
  const retryIn = useSecondsUntil(status.retryAt);
  const detail =
    status.state === "live"
      ? `Streaming${status.cursor ? ` · cursor ${status.cursor}` : ""}`
      : retryIn !== null
        ? `Next ${status.transport === "websocket" ? "WebSocket" : "SSE"} attempt in ${retryIn} s`
        : "Connecting";
  const canRetry = status.state !== "live" && status.retryAt !== null;
  return (
    <div className="badge-wrap">
      <output
        className={`badge badge-${tone}`}
        data-testid="connection-badge"
        title={detail}
        aria-live="polite"
      >
        <span className="badge-dot" aria-hidden="true" />
        {text}
      </output>
      {canRetry && (
        <button type="button" className="link-button" onClick={() => connection.retryNow()}>
          Retry now
        </button>
      )}
    </div>
  );
}

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
