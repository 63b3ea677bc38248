// The `sources` filter of a stream request: a comma-separated list of source names, at most
// MAX_SOURCES_PER_SUBSCRIPTION; absent or empty means every source.
import { MAX_SOURCES_PER_SUBSCRIPTION, SourceName } from "@scrapewatch/protocol";
import { ApiError } from "../http/api-error.ts";

export function parseSourcesQuery(text: string | undefined): Set<string> | null {
  if (text === undefined) return null;
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) return null;
  if (names.length > MAX_SOURCES_PER_SUBSCRIPTION) {
    throw new ApiError("invalid_query", `at most ${MAX_SOURCES_PER_SUBSCRIPTION} sources per stream`);
  }
  const bad = names.filter((name) => !SourceName.safeParse(name).success);
  if (bad.length > 0) {
    throw new ApiError("invalid_query", "invalid source name", { sources: bad.slice(0, 5) });
  }
  return new Set(names);
}
