// The one live connection and store of the page, shared through React context.
import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { BrowserAlerts } from "../features/incidents/browser-alerts.ts";
import type { LinkStatus, LiveConnection } from "../stream/live-connection.ts";
import type { LiveStore } from "../stream/live-store.ts";
import type { SourceSelection, TransportKind } from "../stream/types.ts";

export interface LiveContextValue {
  connection: LiveConnection;
  store: LiveStore;
  /** Incidents as browser notifications, when the user turned them on. */
  browserAlerts: BrowserAlerts;
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

/**
 * Re-renders the caller when live data changed: at most once per animation frame, or, with
 * `throttleMs`, at most that often (charts of 5-second buckets gain nothing from 60 renders/s).
 */
export function useLiveVersion(throttleMs = 0): number {
  const { store } = useLive();
  const subscribe = useCallback(
    (listener: () => void) => {
      if (throttleMs <= 0) return store.subscribe(listener);
      let timer: ReturnType<typeof setTimeout> | null = null;
      let last = 0;
      const stop = store.subscribe(() => {
        if (timer !== null) return;
        timer = setTimeout(
          () => {
            timer = null;
            last = Date.now();
            listener();
          },
          Math.max(0, last + throttleMs - Date.now()),
        );
      });
      return () => {
        stop();
        if (timer !== null) clearTimeout(timer);
      };
    },
    [store, throttleMs],
  );
  return useSyncExternalStore(subscribe, store.getVersion);
}
