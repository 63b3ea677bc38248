// One live line chart. Rendered only while on screen; no animation, so a stream never queues
// transitions; the series is already capped upstream.
import { memo, useEffect, useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { clock, clockShort } from "../../hooks/format.ts";
import { useInView } from "../../hooks/useInView.ts";
import type { ChartPoint } from "../../stream/live-store.ts";

export interface SeriesSpec {
  key: keyof Omit<ChartPoint, "t">;
  label: string;
  color: string;
}

interface Props {
  title: string;
  unit: string;
  data: ChartPoint[];
  series: SeriesSpec[];
  /** Delay before drawing new data, so that charts refreshed together draw in separate tasks. */
  staggerMs?: number;
}

export const LiveChart = memo(function LiveChart({ title, unit, data, series, staggerMs = 0 }: Props) {
  const [ref, visible] = useInView<HTMLDivElement>();
  const latest = useMemo(() => withLonePoints(data, series), [data, series]);
  const [points, setPoints] = useState(latest);
  useEffect(() => {
    if (staggerMs <= 0) {
      setPoints(latest);
      return;
    }
    const timer = setTimeout(() => setPoints(latest), staggerMs);
    return () => clearTimeout(timer);
  }, [latest, staggerMs]);
  return (
    <figure className="chart" ref={ref}>
      <figcaption>
        {title} <span className="muted small">({unit})</span>
      </figcaption>
      <div className="chart-body">
        {visible ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                domain={["dataMin", "dataMax"]}
                tickFormatter={clockShort}
                stroke="var(--muted)"
                fontSize={11}
                minTickGap={48}
              />
              <YAxis stroke="var(--muted)" fontSize={11} width={48} allowDecimals={false} />
              <Tooltip
                labelFormatter={(t) => clock(Number(t))}
                contentStyle={{
                  background: "var(--surface)",
                  border: "1px solid var(--border)",
                  borderRadius: 8,
                }}
              />
              {series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
              {series.map((s) => (
                <Line
                  key={`lone:${s.key}`}
                  dataKey={`lone:${s.key}`}
                  stroke="none"
                  dot={{ r: 3, fill: s.color, stroke: s.color }}
                  activeDot={false}
                  legendType="none"
                  tooltipType="none"
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
});

type LonePoint = ChartPoint & Record<string, number | null>;

/**
 * Adds `lone:<key>` values where a point has no neighbour: a line alone would leave it
 * invisible, and a plain dot series is far cheaper for recharts than a dot renderer per point.
 */
function withLonePoints(data: ChartPoint[], series: SeriesSpec[]): LonePoint[] {
  return data.map((point, i) => {
    const out: LonePoint = { ...point };
    for (const { key } of series) {
      const here = point[key];
      const alone =
        here !== null && (data[i - 1]?.[key] ?? null) === null && (data[i + 1]?.[key] ?? null) === null;
      out[`lone:${key}`] = alone ? here : null;
    }
    return out;
  });
}
