// An error SQLite raised in the worker thread, rebuilt on the caller's side with the fields error
// handling reads (isDataError looks at `code`).
import type { ErrorFields } from "./protocol.ts";

export class SqliteError extends Error {
  /** SQLite's extended result code name, e.g. SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_BUSY. */
  readonly code: string | undefined;
  readonly rawCode: number | undefined;

  constructor(fields: ErrorFields) {
    super(fields.message);
    this.name = fields.name === "Error" ? "SqliteError" : fields.name;
    this.code = fields.code;
    this.rawCode = fields.rawCode;
    // The worker's stack says where SQLite failed; the caller's own frames are in the message's
    // promise chain (async stack traces) when it awaits.
    if (fields.stack)
      this.stack = `${this.name}: ${this.message}\n    (in the SQLite worker)\n${fields.stack.split("\n").slice(1).join("\n")}`;
  }
}

/** The worker thread is gone (crashed, terminated or closed): no statement can run any more. */
export class SqliteWorkerStoppedError extends Error {
  readonly code = "SQLITE_WORKER_STOPPED";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SqliteWorkerStoppedError";
  }
}
