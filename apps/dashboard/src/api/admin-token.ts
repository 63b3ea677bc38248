// The admin token, for changes to alerts (channels, silences, monitor settings). Kept in
// localStorage when the user asks to remember it, else in sessionStorage. Whether the server
// has admin tokens at all is learnt from its answers: a change that succeeds without a token
// means ADMIN_TOKENS is empty, which the page then says plainly.
const KEY = "scrapewatch.adminToken";
const listeners = new Set<() => void>();

/** `unknown` until a change was tried; `open`: the server has no admin tokens. */
export type AdminAccess = "unknown" | "open" | "required" | "rejected";
let access: AdminAccess = "unknown";

export function adminToken(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveAdminToken(token: string | null, remember: boolean): void {
  try {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
    if (token) (remember ? localStorage : sessionStorage).setItem(KEY, token);
  } catch {
    // Storage disabled: nothing is kept.
  }
  access = "unknown";
  notify();
}

export function adminAccess(): AdminAccess {
  return access;
}

/** What an admin request's answer says about the server's admin tokens. */
export function noteAdminAnswer(status: number, sentToken: boolean): void {
  const next: AdminAccess =
    status === 401 ? "required" : status === 403 ? "rejected" : status < 400 && !sentToken ? "open" : access;
  if (next === access) return;
  access = next;
  notify();
}

export function onAdminChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}
