// Owns the page's live connection: builds it once, feeds the store, runs the react-query polling
// fallback while streaming is down, and reloads REST data when the server asks for a reset.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { POLL_INTERVAL_MS, pollMetrics } from "../api/queries.ts";
import { onTokenChange, readToken } from "../api/token.ts";
import { browserAlertsOfWindow } from "../features/incidents/browser-alerts.ts";
import { navigateTo } from "../hooks/useRoute.ts";
import { LiveContext, type LiveContextValue, useLinkStatus, useLive } from "../hooks/live-context.ts";
import { LiveConnection } from "../stream/live-connection.ts";
import { LiveStore } from "../stream/live-store.ts";
import type { SourceSelection, TransportKind } from "../stream/types.ts";

const TRANSPORT_KEY = "scrapewatch.transport";

function initialTransport(): TransportKind {
  const fromUrl = new URLSearchParams(window.location.search).get("transport");
  if (fromUrl === "websocket" || fromUrl === "sse") return fromUrl;
  try {
    return localStorage.getItem(TRANSPORT_KEY) === "websocket" ? "websocket" : "sse";
  } catch {
    return "sse";
  }
}

function initialSelection(): SourceSelection {
  const fromUrl = new URLSearchParams(window.location.search).get("sources");
  const list = fromUrl?.split(",").filter(Boolean) ?? [];
  return list.length > 0 ? list : null;
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [transport, setTransportState] = useState<TransportKind>(initialTransport);
  const [selection, setSelectionState] = useState<SourceSelection>(initialSelection);
  const [{ connection, store, browserAlerts }] = useState(() => {
    const store = new LiveStore();
    const browserAlerts = browserAlertsOfWindow(() => {
      window.focus();
      navigateTo({ page: "incidents" });
    });
    const connection = new LiveConnection(
      {
        origin: window.location.origin,
        transport,
        sources: selection,
        token: readToken(),
      },
      {
        events: (events) => store.ingest(events),
        anomaly: (anomaly) => store.addAnomaly(anomaly),
        // Incident views read REST; an event makes them read again (it carries no cursor).
        incident: (event) => {
          void queryClient.invalidateQueries({ queryKey: ["incidents"] });
          void queryClient.invalidateQueries({ queryKey: ["monitors"] });
          browserAlerts.notify(event);
        },
        reset: () => {
          store.clear();
          void queryClient.invalidateQueries();
        },
      },
    );
    return { connection, store, browserAlerts };
  });

  useEffect(() => {
    connection.start();
    const online = () => connection.setOnline(true);
    const offline = () => connection.setOnline(false);
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
    const stopTokenWatch = onTokenChange(() => {
      connection.setToken(readToken());
      void queryClient.invalidateQueries();
    });
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
      stopTokenWatch();
      connection.stop();
    };
  }, [connection, queryClient]);

  const setTransport = useCallback(
    (kind: TransportKind) => {
      setTransportState(kind);
      connection.setTransport(kind);
      try {
        localStorage.setItem(TRANSPORT_KEY, kind);
      } catch {
        // Not remembered across visits.
      }
    },
    [connection],
  );

  const setSelection = useCallback(
    (next: SourceSelection) => {
      setSelectionState(next);
      connection.setSources(next);
    },
    [connection],
  );

  const value = useMemo<LiveContextValue>(
    () => ({ connection, store, browserAlerts, selection, setSelection, transport, setTransport }),
    [connection, store, browserAlerts, selection, setSelection, transport, setTransport],
  );
  return (
    <LiveContext.Provider value={value}>
      <PollingFallback />
      {children}
    </LiveContext.Provider>
  );
}

/** Polls REST after the last cursor while the connection says streaming is down. */
function PollingFallback() {
  const { connection } = useLive();
  const status = useLinkStatus();
  useQuery({
    queryKey: ["poll-fallback"],
    queryFn: async ({ signal }) => {
      try {
        return await pollMetrics(connection, signal);
      } catch (error) {
        if (!signal.aborted) connection.pollFailed();
        throw error;
      }
    },
    enabled: status.polling,
    refetchInterval: POLL_INTERVAL_MS,
    refetchIntervalInBackground: true,
    retry: false,
    gcTime: 0,
    staleTime: 0,
  });
  return null;
}
