// How each proxy of a source fared over the last hour or day (GET /api/v1/sources/{source}/proxies):
// a banned proxy stands out by its block rate long before the whole scraper's figures move.
import type { ProxyWindow } from "@scrapewatch/protocol";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { proxiesQuery } from "../../api/queries.ts";
import { count, ms, percent } from "../../hooks/format.ts";
import { BLOCKED_WARNING } from "../health/block-rate.ts";

const WINDOWS: ProxyWindow[] = ["1h", "24h"];

export function ProxiesTable({ source }: { source: string }) {
  const [window, setWindow] = useState<ProxyWindow>("1h");
  const query = useQuery(proxiesQuery(source, window));
  const proxies = query.data?.proxies ?? [];
  return (
    <section>
      <header className="toolbar">
        <h3 className="section-title">Proxies</h3>
        <fieldset className="segmented" aria-label="Proxies window">
          {WINDOWS.map((w) => (
            <label key={w} className={w === window ? "active" : ""}>
              <input
                type="radio"
                name="proxies-window"
                checked={w === window}
                onChange={() => setWindow(w)}
              />
              {w}
            </label>
          ))}
        </fieldset>
      </header>
      {query.isError ? (
        <p className="notice bad">Could not load the proxies: {String(query.error.message)}</p>
      ) : proxies.length === 0 ? (
        <p className="muted">{query.isPending ? "Loading…" : `No navigations in the last ${window}.`}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="proxies-table">
            <thead>
              <tr>
                <th>Proxy</th>
                <th className="num">Navigations</th>
                <th className="num">Success</th>
                <th className="num">Blocked</th>
                <th className="num">p50 / p95</th>
              </tr>
            </thead>
            <tbody>
              {proxies.map((p) => (
                <tr key={p.proxy ?? ""}>
                  <td className="mono">{p.proxy ?? <span className="muted">no proxy</span>}</td>
                  <td className="num">{count(p.navigations)}</td>
                  <td className="num">{percent(p.successRate)}</td>
                  <td className={p.blockRate >= BLOCKED_WARNING ? "num bad" : "num"}>
                    {percent(p.blockRate)}
                  </td>
                  <td className="num nowrap">
                    {ms(p.p50DurationMs)} / {ms(p.p95DurationMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
