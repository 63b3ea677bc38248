// REST access to the Scrapewatch API: bearer token, JSON, and errors as typed exceptions.
import { adminToken, noteAdminAnswer } from "./admin-token.ts";
import { markTokenNeeded, readToken } from "./token.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export type QueryValue = string | number | null | undefined;

export function apiUrl(path: string, params: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export async function getJson<T>(
  path: string,
  params: Record<string, QueryValue> = {},
  signal?: AbortSignal,
): Promise<T> {
  const token = readToken();
  const response = await fetch(apiUrl(path, params), {
    headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    signal: signal ?? null,
  });
  if (response.status === 401 || response.status === 403) markTokenNeeded();
  if (!response.ok) throw new HttpError(response.status, await errorMessage(response));
  return (await response.json()) as T;
}

/** A change (admin): the admin token is sent when there is one; 204 answers undefined. */
export async function sendJson<T>(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const token = adminToken();
  const response = await fetch(path, {
    method,
    headers: {
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  noteAdminAnswer(response.status, token !== null);
  if (!response.ok) throw new HttpError(response.status, await errorMessage(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}
