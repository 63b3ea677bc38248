// Replays from storage what is older than the replay buffer: events after the cursor and up to
// where memory takes over, read in pages and regrouped into the batches they travelled in.
// `send` writes one batch to the client (StreamClient.replay, possibly timed by the caller).
import type { MetricStore } from "@scrapewatch/db";
import { batchesFromEvents, type PositionedMetric, toBatch } from "@scrapewatch/hub";
import { type Batch, type BatchCursor, type Position, positionKey } from "@scrapewatch/protocol";
import { ClientGone, type StreamClient } from "./stream-client.ts";

const PAGE_SIZE = 1000;

export async function replayFromStorage(
  store: MetricStore,
  client: StreamClient,
  after: Position,
  until: BatchCursor,
  send: (batch: Batch) => Promise<void> = (batch) => client.replay(batch),
): Promise<void> {
  if (client.sources !== null && client.sources.size === 0) return;
  const sources = client.sources === null ? undefined : [...client.sources];
  const untilKey = positionKey(until);
  let afterKey = positionKey(after);
  let open: PositionedMetric[] = [];
  for (;;) {
    const rows = await store.read({ afterKey, untilKey, sources, limit: PAGE_SIZE });
    if (client.closed) throw new ClientGone();
    const grouped = batchesFromEvents(rows, open);
    open = grouped.open;
    for (const batch of grouped.complete) await send(batch);
    const last = rows[rows.length - 1];
    if (rows.length < PAGE_SIZE || !last) break;
    afterKey = last.position;
  }
  if (open.length > 0) await send(toBatch(open));
}
