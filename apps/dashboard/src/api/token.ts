// The read token: kept in sessionStorage only (gone when the tab closes), asked for on a 401.
const KEY = "scrapewatch.readToken";
const listeners = new Set<() => void>();
let needed = false;

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token lives only as long as this page.
  }
  needed = false;
  for (const listener of listeners) listener();
}

/** Called when the API answered 401: the UI shows the token prompt. */
export function markTokenNeeded(): void {
  if (needed) return;
  needed = true;
  for (const listener of listeners) listener();
}

export function tokenNeeded(): boolean {
  return needed;
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
