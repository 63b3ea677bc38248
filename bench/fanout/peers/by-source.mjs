// The published events grouped by source, in order: each peer broadcasts one batch per source,
// as Scrapewatch seals one batch per source of a request (`--sources N`).
export function bySource(metrics) {
  const groups = new Map();
  for (const m of metrics) {
    const group = groups.get(m.source);
    if (group) group.push(m);
    else groups.set(m.source, [m]);
  }
  return groups;
}
