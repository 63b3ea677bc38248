// Driver errors reach the stores wrapped: drizzle puts the driver's own error on `cause`.

export interface DriverErrorFields {
  errno?: unknown;
  sqlState?: unknown;
  code?: unknown;
}

/** The error and its causes, outermost first (a few levels at most). */
export function errorChain(error: unknown): DriverErrorFields[] {
  const chain: DriverErrorFields[] = [];
  let current = error;
  while (typeof current === "object" && current !== null && chain.length < 10) {
    chain.push(current as DriverErrorFields);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
