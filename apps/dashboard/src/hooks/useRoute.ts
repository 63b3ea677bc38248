// A minimal path router: the server falls back to index.html for every non-API path, so deep
// links such as /sources/robinhood work on reload.
import { useSyncExternalStore } from "react";

export type Route =
  | { page: "overview" }
  | { page: "source"; source: string | null }
  | { page: "history" }
  | { page: "anomalies" }
  | { page: "incidents" }
  | { page: "alerts" };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean);
  if (parts[0] === "sources")
    return { page: "source", source: parts[1] ? decodeURIComponent(parts[1]) : null };
  if (parts[0] === "history") return { page: "history" };
  if (parts[0] === "anomalies") return { page: "anomalies" };
  if (parts[0] === "incidents") return { page: "incidents" };
  if (parts[0] === "alerts") return { page: "alerts" };
  return { page: "overview" };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case "overview":
      return "/";
    case "source":
      return route.source ? `/sources/${encodeURIComponent(route.source)}` : "/sources";
    case "history":
      return "/history";
    case "anomalies":
      return "/anomalies";
    case "incidents":
      return "/incidents";
    case "alerts":
      return "/alerts";
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  return () => window.removeEventListener("popstate", listener);
}

/** Goes to `route` within the page (history entry, no reload); from React, use `useRoute`. */
export function navigateTo(route: Route): void {
  const path = routePath(route);
  if (path !== window.location.pathname) {
    window.history.pushState(null, "", path + window.location.search);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }
}

export function useRoute(): [Route, (route: Route) => void] {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  return [parseRoute(pathname), navigateTo];
}
