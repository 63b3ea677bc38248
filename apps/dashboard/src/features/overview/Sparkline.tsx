// A tiny SVG trend line for a card (no chart library: the overview must stay light).
interface Props {
  values: Array<number | null>;
  label: string;
}

const W = 300;
const H = 28;

export function Sparkline({ values, label }: Props) {
  // A source that started a minute ago gets the whole width, not a sliver at the right edge.
  const first = values.findIndex((v) => v !== null);
  const shown = first < 0 ? [] : values.slice(first);
  const present = shown.filter((v): v is number => v !== null);
  if (present.length < 2) return null;
  const max = Math.max(...present);
  const min = Math.min(...present);
  const span = max - min || 1;
  const step = W / Math.max(1, shown.length - 1);
  let d = "";
  let pen = false;
  shown.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (H - 2 - ((v - min) / span) * (H - 4)).toFixed(1);
    d += `${pen ? "L" : "M"}${x} ${y}`;
    pen = true;
  });
  return (
    <svg
      className="sparkline"
      width="100%"
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <path
        d={d}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        vectorEffect="non-scaling-stroke"
        strokeLinejoin="round"
      />
    </svg>
  );
}
