// The page frame: header (navigation, transport, theme, connection badge), source picker, panel.
import { lazy, Suspense } from "react";
import { AnomalyFeed } from "../features/anomalies/AnomalyFeed.tsx";
import { ConnectionBadge } from "../features/connection/ConnectionBadge.tsx";
import { TransportPicker } from "../features/connection/TransportPicker.tsx";
import { Overview } from "../features/overview/Overview.tsx";
import { SourcePicker } from "../features/sources/SourcePicker.tsx";
import { TokenPrompt } from "../features/token/TokenPrompt.tsx";
import { type Route, useRoute } from "../hooks/useRoute.ts";
import { ThemeToggle } from "./ThemeToggle.tsx";

// recharts is heavy: the chart panels load on first visit, not with the first paint.
const SourceView = lazy(() => import("../features/source/SourceView.tsx"));
const HistoryView = lazy(() => import("../features/history/HistoryView.tsx"));
const IncidentsPage = lazy(() => import("../features/incidents/IncidentsPage.tsx"));
const AlertsPage = lazy(() => import("../features/alerts/AlertsPage.tsx"));

const TABS: Array<{ page: Route["page"]; label: string }> = [
  { page: "overview", label: "Overview" },
  { page: "source", label: "Live charts" },
  { page: "history", label: "History" },
  { page: "anomalies", label: "Anomalies" },
  { page: "incidents", label: "Incidents" },
  { page: "alerts", label: "Alerts" },
];

export function App() {
  const [route, navigate] = useRoute();
  return (
    <div className="shell">
      <header className="topbar">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate({ page: "overview" });
          }}
        >
          <span className="brand-mark" aria-hidden="true" />
          Scrapewatch
        </a>
        <nav className="nav" aria-label="Panels">
          {TABS.map((tab) => (
            <button
              key={tab.page}
              type="button"
              className={route.page === tab.page ? "nav-item active" : "nav-item"}
              aria-current={route.page === tab.page ? "page" : undefined}
              onClick={() =>
                navigate(
                  tab.page === "source" ? { page: "source", source: null } : ({ page: tab.page } as Route),
                )
              }
            >
              {tab.label}
            </button>
          ))}
        </nav>
        <div className="topbar-right">
          <TransportPicker />
          <ThemeToggle />
          <ConnectionBadge />
        </div>
      </header>
      <div className="body">
        <aside className="sidebar">
          <SourcePicker />
        </aside>
        <main className="main">
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <Panel route={route} navigate={navigate} />
          </Suspense>
        </main>
      </div>
      <TokenPrompt />
    </div>
  );
}

function Panel({ route, navigate }: { route: Route; navigate(route: Route): void }) {
  switch (route.page) {
    case "overview":
      return <Overview onOpen={(source) => navigate({ page: "source", source })} />;
    case "source":
      return <SourceView source={route.source} onPick={(source) => navigate({ page: "source", source })} />;
    case "history":
      return <HistoryView />;
    case "anomalies":
      return <AnomalyFeed />;
    case "incidents":
      return <IncidentsPage />;
    case "alerts":
      return <AlertsPage />;
  }
}
