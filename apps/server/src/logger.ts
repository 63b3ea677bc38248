// Logs through pino: JSON lines by default (one object per line, ISO time, level by name), a
// human-readable form on a terminal or with LOG_FORMAT=pretty. Errors under `err` keep their type,
// stack and cause. Tokens never reach a log line: callers log request ids and paths, never
// headers or query strings.
import { hostname } from "node:os";
import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";
import pretty from "pino-pretty";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "json" | "pretty" | "auto";
type Fields = Record<string, unknown>;

/** The project's logging surface: a message first, then fields (pino takes them the other way). */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

/**
 * A JSON logger writing lines to `write` (stdout by default): tests capture lines this way.
 * `base` fields are on every line.
 */
export function createLogger(level: LogLevel, base: Fields = {}, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write } : pino.destination({ dest: 1, sync: true });
  return wrap(pino(jsonOptions(level, base), destination));
}

/** Where the process's log lines go: stdout, or in tests a stand-in that says whether it is a terminal. */
export interface LogOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The process's logger: JSON, or human-readable when LOG_FORMAT says so or ("auto") when the
 * output is a terminal, where a person reads it.
 */
export function createProcessLogger(
  level: LogLevel,
  format: LogFormat,
  base: Fields = {},
  out: LogOutput = process.stdout,
): Logger {
  const human = format === "pretty" || (format === "auto" && out.isTTY === true);
  if (!human) {
    const fields = { pid: process.pid, hostname: hostname(), ...base };
    return out === process.stdout
      ? createLogger(level, fields)
      : createLogger(level, fields, (line) => out.write(line));
  }
  const render = pretty.prettyFactory({
    colorize: out.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service",
  });
  const destination: DestinationStream = { write: (line) => out.write(render(line)) };
  return wrap(pino({ level, base, serializers: { err: pino.stdSerializers.errWithCause } }, destination));
}

function jsonOptions(level: LogLevel, base: Fields) {
  return {
    level,
    base,
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"info" rather than pino's numbers: log pipelines and people read names.
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.errWithCause },
  };
}

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (msg, fields) => logger.debug(fields ?? {}, msg),
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
    child: (fields) => wrap(logger.child(fields)),
  };
}
