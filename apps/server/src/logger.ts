// Structured JSON logs, one object per line on stdout. Tokens never reach a log line: callers
// log request ids and paths, never headers or query strings.
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export function createLogger(
  level: LogLevel,
  base: Fields = {},
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (at: Exclude<LogLevel, "silent">, msg: string, fields?: Fields) => {
    if (RANK[at] < RANK[level]) return;
    const record: Fields = { time: new Date().toISOString(), level: at, msg, ...base, ...fields };
    if (record.err instanceof Error) record.err = { name: record.err.name, message: record.err.message };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}
