// Lists kept as JSON text in the notification tables, read back the same on both dialects.

export function writeList(list: readonly string[] | null | undefined): string | null {
  return list === null || list === undefined ? null : JSON.stringify(list);
}

export function readList<T extends string = string>(value: unknown): T[] | null {
  if (value === null || value === undefined) return null;
  const parsed: unknown = JSON.parse(String(value));
  return Array.isArray(parsed) ? parsed.map((item) => String(item) as T) : null;
}

export function readNullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
