// Every source the page knows of: those the server lists plus any that appeared live since.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { sourcesQuery } from "../api/queries.ts";
import type { SourceOverview } from "../api/shapes.ts";
import { useLive, useLiveVersion } from "./live-context.ts";

export function useKnownSources(): {
  names: string[];
  overview: Map<string, SourceOverview>;
  loading: boolean;
} {
  const { store } = useLive();
  // A new source shows up within a second; re-rendering pickers every frame would buy nothing.
  const version = useLiveVersion(1000);
  const query = useQuery(sourcesQuery());
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the store's change signal
  const liveNames = useMemo(() => store.sources().join("\n"), [store, version]);
  return useMemo(() => {
    const overview = new Map((query.data ?? []).map((s) => [s.source, s]));
    const names = new Set([...overview.keys(), ...liveNames.split("\n").filter(Boolean)]);
    return { names: [...names].sort(), overview, loading: query.isPending };
  }, [query.data, query.isPending, liveNames]);
}
