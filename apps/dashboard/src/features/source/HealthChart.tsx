// Scraper health of one source per minute: navigations stacked by status class (bars) and the
// share of them that was blocked (line, right axis). Drawn only while on screen, like LiveChart.
import { STATUS_CLASSES } from "@scrapewatch/protocol";
import { memo } from "react";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { clockShort, percent } from "../../hooks/format.ts";
import { useInView } from "../../hooks/useInView.ts";
import type { HealthPoint } from "../../stream/live-store.ts";

const COLORS = { "2xx": "var(--ok)", "3xx": "var(--c1)", "4xx": "var(--warn)", "5xx": "var(--bad)" };

export const HealthChart = memo(function HealthChart({ data }: { data: HealthPoint[] }) {
  const [ref, visible] = useInView<HTMLDivElement>();
  return (
    <figure className="chart" ref={ref} data-testid="health-chart">
      <figcaption>
        Status classes and block rate <span className="muted small">(navigations per minute)</span>
      </figcaption>
      <div className="chart-body">
        {visible ? (
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis
                dataKey="t"
                tickFormatter={clockShort}
                stroke="var(--muted)"
                fontSize={11}
                minTickGap={48}
              />
              <YAxis yAxisId="count" stroke="var(--muted)" fontSize={11} width={40} allowDecimals={false} />
              <YAxis
                yAxisId="rate"
                orientation="right"
                domain={[0, 1]}
                tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
                stroke="var(--muted)"
                fontSize={11}
                width={40}
              />
              <Tooltip
                labelFormatter={(t) => clockShort(Number(t))}
                formatter={(value, name) =>
                  name === "Blocked" ? percent(typeof value === "number" ? value : null) : value
                }
                contentStyle={{
                  background: "var(--surface)",
                  border: "1px solid var(--border)",
                  borderRadius: 8,
                }}
              />
              {STATUS_CLASSES.map((c) => (
                <Bar
                  key={c}
                  yAxisId="count"
                  dataKey={c}
                  name={c}
                  stackId="status"
                  fill={COLORS[c]}
                  isAnimationActive={false}
                />
              ))}
              <Line
                yAxisId="rate"
                dataKey="blockRate"
                name="Blocked"
                stroke="var(--bad)"
                strokeWidth={2}
                dot={{ r: 2 }}
                isAnimationActive={false}
                connectNulls
              />
            </ComposedChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
});
