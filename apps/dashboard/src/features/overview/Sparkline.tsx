// A tiny SVG trend line for a card (no chart library: the overview must stay light).
interface Props {
  values: Array<number | null>;
  label: string;
}

const W = 120;
const H = 28;

export function Sparkline({ values, label }: Props) {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return <svg className="sparkline" width={W} height={H} aria-hidden="true" />;
  const max = Math.max(...present);
  const min = Math.min(...present);
  const span = max - min || 1;
  const step = W / Math.max(1, values.length - 1);
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
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
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
