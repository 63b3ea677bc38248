// Daily charts: success rate and items per day, and the worst p95 durations.
import {
  Bar,
  ComposedChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useInView } from "../../hooks/useInView.ts";
import type { DayPoint } from "./history-series.ts";

const tooltipStyle = { background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8 };

export function HistoryCharts({ points }: { points: DayPoint[] }) {
  const [ref, visible] = useInView<HTMLDivElement>();
  return (
    <div className="chart-grid" ref={ref}>
      <figure className="chart">
        <figcaption>
          p95 durations <span className="muted small">(ms)</span>
        </figcaption>
        <div className="chart-body">
          {visible && (
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points}>
                <CartesianGrid stroke="var(--grid)" vertical={false} />
                <XAxis dataKey="date" stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} width={48} />
                <Tooltip contentStyle={tooltipStyle} />
                <Legend />
                <Line
                  dataKey="p95NavigationMs"
                  name="Navigation p95"
                  stroke="var(--c1)"
                  dot
                  isAnimationActive={false}
                  connectNulls
                />
                <Line
                  dataKey="p95ScrapeMs"
                  name="Scrape p95"
                  stroke="var(--c2)"
                  dot
                  isAnimationActive={false}
                  connectNulls
                />
              </LineChart>
            </ResponsiveContainer>
          )}
        </div>
      </figure>
      <figure className="chart">
        <figcaption>
          Items and success <span className="muted small">(per day)</span>
        </figcaption>
        <div className="chart-body">
          {visible && (
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={points}>
                <CartesianGrid stroke="var(--grid)" vertical={false} />
                <XAxis dataKey="date" stroke="var(--muted)" fontSize={11} />
                <YAxis yAxisId="items" stroke="var(--muted)" fontSize={11} width={48} />
                <YAxis
                  yAxisId="rate"
                  orientation="right"
                  domain={[0, 100]}
                  stroke="var(--muted)"
                  fontSize={11}
                  width={40}
                  unit="%"
                />
                <Tooltip contentStyle={tooltipStyle} />
                <Legend />
                <Bar
                  yAxisId="items"
                  dataKey="items"
                  name="Items"
                  fill="var(--c3)"
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="rate"
                  dataKey="successRate"
                  name="Success %"
                  stroke="var(--c1)"
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              </ComposedChart>
            </ResponsiveContainer>
          )}
        </div>
      </figure>
    </div>
  );
}
