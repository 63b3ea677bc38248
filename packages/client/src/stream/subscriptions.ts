// The WebSocket messages that move a connection from one set of sources to another. A
// subscription resumes from the cursor: a batch of a newly added source sealed while the message
// travels is then replayed, not lost (the stream drops what it has already delivered).

export function subscribeMessage(sources: readonly string[] | undefined, cursor: string | null): object {
  return {
    type: "subscribe",
    ...(sources ? { sources: [...sources] } : {}),
    ...(cursor ? { lastEventId: cursor } : {}),
  };
}

/** `null` stands for every source. */
export function resubscribeMessages(
  previous: ReadonlySet<string> | null,
  next: readonly string[] | null,
  cursor: string | null,
): object[] {
  if (next === null) return [subscribeMessage(undefined, cursor)];
  if (previous === null) {
    return [{ type: "unsubscribe" }, ...(next.length > 0 ? [subscribeMessage(next, cursor)] : [])];
  }
  const removed = [...previous].filter((source) => !next.includes(source));
  const added = next.filter((source) => !previous.has(source));
  return [
    ...(removed.length > 0 ? [{ type: "unsubscribe", sources: removed }] : []),
    ...(added.length > 0 ? [subscribeMessage(added, cursor)] : []),
  ];
}
