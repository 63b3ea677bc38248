// The main thread's side of a SQLite connection that lives in a worker thread (worker.ts): each
// call is a message, answered by a promise. The thread is referenced only while calls are in
// flight, so an idle open database does not keep the process alive.
import { Worker } from "node:worker_threads";
import type { Reply, Request, Shape, StatementRequest, WorkerConfig } from "./protocol.ts";
import { SqliteError, SqliteWorkerStoppedError } from "./sqlite-error.ts";

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, "id"> : never) : never;

export class SqliteConnection {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why calls fail from now on (set once the thread is gone or closing). */
  private stopped: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(config: WorkerConfig) {
    this.worker = startWorker(config);
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => this.settle(reply));
    let crash: unknown;
    this.worker.on("error", (error) => {
      crash = error;
    });
    this.exited = new Promise((resolve) => {
      this.worker.once("exit", (code) => {
        const reason =
          crash !== undefined
            ? `the SQLite worker crashed: ${crash instanceof Error ? crash.message : String(crash)}`
            : `the SQLite worker stopped (exit code ${code})`;
        this.stopped ??= new SqliteWorkerStoppedError(reason, { cause: crash });
        for (const call of this.pending.values()) call.reject(this.stopped);
        this.pending.clear();
        resolve();
      });
    });
  }

  query(sql: string, params: readonly unknown[], shape: Shape): Promise<unknown> {
    return this.call({ kind: "query", sql, params, shape });
  }

  insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<unknown> {
    return this.call({ kind: "insert", table, columns, rows });
  }

  /** Statements in one transaction, as one message: nothing else runs between them. */
  batch(statements: readonly StatementRequest[]): Promise<unknown[]> {
    return this.call({ kind: "batch", statements }) as Promise<unknown[]>;
  }

  /** SQL scripts in one transaction (migrations). */
  script(scripts: readonly string[]): Promise<unknown> {
    return this.call({ kind: "script", scripts });
  }

  /** Lets the calls already sent finish, closes the connection and ends the thread. */
  async close(): Promise<void> {
    if (!this.stopped) {
      const closing = this.call({ kind: "close" });
      this.stopped = new SqliteWorkerStoppedError("the database is closed");
      await closing.catch(() => {});
    }
    await this.exited;
  }

  /**
   * Ends the thread at once, as a crash would: calls in flight fail. close() is the orderly way;
   * never end a thread that is inside a statement: libsql's native bindings can then panic and
   * abort the whole process.
   */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private call(body: RequestBody): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ ...body, id });
      } catch (error) {
        // A value that cannot be cloned (a function, a symbol): this call fails, nothing else.
        reject(error);
        return;
      }
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  private settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    // Once closing, the thread stays referenced until it has exited: close() awaits that.
    if (this.pending.size === 0 && !this.stopped) this.worker.unref();
    if (reply.ok) call.resolve(reply.result);
    else call.reject(new SqliteError(reply.error));
  }
}

/**
 * From the build the worker is plain JavaScript beside this file. From the TypeScript sources
 * (tests, `--conditions=source`), Node cannot run worker.ts by itself: a small bootstrap
 * registers tsx in the thread first.
 */
function startWorker(config: WorkerConfig): Worker {
  const options = { workerData: config, stdout: false, stderr: false };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), options);
  const entry = new URL("./worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
