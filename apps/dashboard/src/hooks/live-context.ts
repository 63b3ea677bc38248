// The one live connection and store of the page, shared through React context.
import { createContext, useContext, useSyncExternalStore } from "react";
import type { LinkStatus, LiveConnection } from "../stream/live-connection.ts";
import type { LiveStore } from "../stream/live-store.ts";
import type { SourceSelection, TransportKind } from "../stream/types.ts";

export interface LiveContextValue {
  connection: LiveConnection;
  store: LiveStore;
  selection: SourceSelection;
  setSelection(selection: SourceSelection): void;
  transport: TransportKind;
  setTransport(kind: TransportKind): void;
}

export const LiveContext = createContext<LiveContextValue | null>(null);

export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive outside <LiveProvider>");
  return value;
}

export function useLinkStatus(): LinkStatus {
  const { connection } = useLive();
  return useSyncExternalStore(
    (listener) => connection.subscribe(listener),
    () => connection.status,
  );
}

/** Re-renders the caller at most once per animation frame while data streams in. */
export function useLiveVersion(): number {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.getVersion);
}
