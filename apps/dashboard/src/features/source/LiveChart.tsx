// One live line chart. Rendered only while on screen; no animation, so a stream never queues
// transitions; the series is already capped upstream.
import { memo } from "react";
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
}

export const LiveChart = memo(function LiveChart({ title, unit, data, series }: Props) {
  const [ref, visible] = useInView<HTMLDivElement>();
  return (
    <figure className="chart" ref={ref}>
      <figcaption>
        {title} <span className="muted small">({unit})</span>
      </figcaption>
      <div className="chart-body">
        {visible ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
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
                  dot={isolatedDot(data, s.key, s.color)}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
});

/** Draws a dot only where a value has no neighbour, which a line alone would leave invisible. */
function isolatedDot(data: ChartPoint[], key: SeriesSpec["key"], color: string) {
  return (props: { cx?: number; cy?: number; index?: number }) => {
    const i = props.index ?? -1;
    const here = data[i]?.[key] ?? null;
    const alone =
      here !== null && (data[i - 1]?.[key] ?? null) === null && (data[i + 1]?.[key] ?? null) === null;
    if (!alone || props.cx === undefined || props.cy === undefined) return <g key={`dot-${key}-${i}`} />;
    return <circle key={`dot-${key}-${i}`} cx={props.cx} cy={props.cy} r={3} fill={color} />;
  };
}
