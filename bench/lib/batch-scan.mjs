// Reads what the benchmarks check out of a batch's raw JSON bytes without parsing it: the batch
// id (its cursor, `<ms>-<seq>`) and, per event, its id and the `?n=<seq>&t=<send ms>` marker the
// producer put in its url. Key order does not matter: the batch id is the first `"id":"` before
// `"metrics":[`, and inside the array the k-th `"id":"` and the k-th marker belong to the k-th
// event (the benchmark's events are flat objects with one of each). Anything else is a parse
// error, reported by the caller.

const ID = Buffer.from('"id":"');
const METRICS = Buffer.from('"metrics":[');
const MARK = Buffer.from("?n=");
const QUOTE = 34;

/** Filled by scanBatch; reused to keep the hot path free of allocations but the ids. */
export const scan = { id: "", sealedMs: 0, count: 0, ns: [], ts: [], ids: [] };

/** Parses a non-negative decimal (digits, optional fraction) at buf[at]; sets `numberEnd`. */
let numberEnd = 0;
function decimal(buf, at) {
  let i = at;
  let value = 0;
  for (let d = buf[i] - 48; d >= 0 && d <= 9; d = buf[++i] - 48) value = value * 10 + d;
  if (buf[i] === 46 /* . */) {
    let scale = 1;
    let fraction = 0;
    for (let d = buf[++i] - 48; d >= 0 && d <= 9; d = buf[++i] - 48) {
      fraction = fraction * 10 + d;
      scale *= 10;
    }
    value += fraction / scale;
  }
  numberEnd = i;
  return i === at ? Number.NaN : value;
}

/** Scans one batch's JSON; false when it does not look like one. */
export function scanBatch(buf) {
  const metrics = buf.indexOf(METRICS);
  const idKey = buf.indexOf(ID);
  if (metrics < 0 || idKey < 0 || idKey > metrics) return false;
  const idStart = idKey + ID.length;
  const idEnd = buf.indexOf(QUOTE, idStart);
  scan.id = buf.toString("latin1", idStart, idEnd);
  scan.sealedMs = decimal(buf, idStart);
  let count = 0;
  let markAt = metrics;
  let idAt = metrics;
  for (;;) {
    const mark = buf.indexOf(MARK, markAt);
    if (mark < 0) break;
    const n = decimal(buf, mark + MARK.length);
    let t = Number.NaN;
    // `&t=`
    if (buf[numberEnd] === 38 && buf[numberEnd + 1] === 116 && buf[numberEnd + 2] === 61) {
      t = decimal(buf, numberEnd + 3);
    }
    markAt = numberEnd;
    const key = buf.indexOf(ID, idAt);
    if (key < 0 || Number.isNaN(n)) return false;
    const start = key + ID.length;
    const end = buf.indexOf(QUOTE, start);
    scan.ns[count] = n;
    scan.ts[count] = t;
    scan.ids[count] = buf.toString("latin1", start, end);
    idAt = end + 1;
    count += 1;
  }
  // One id per marker: a leftover id is an event without a marker.
  if (buf.indexOf(ID, idAt) >= 0) return false;
  scan.count = count;
  return true;
}

/** Orders cursors `ms-seq[-index]` numerically. */
export function compareCursors(a, b) {
  const pa = a.split("-");
  const pb = b.split("-");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? -1) - Number(pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
