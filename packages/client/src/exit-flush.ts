// Flushing recorders when the process ends: at `beforeExit` (the script ran out of work) and on
// SIGTERM/SIGINT, without taking the signal's own handling away from the process.

/** Flushes one recorder within its own time limit. */
type ExitFlush = () => Promise<void>;

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
const watched = new Set<ExitFlush>();
let flushing: Promise<void> | null = null;

/** Registers a recorder for flushing at exit; returns the function that unregisters it. */
export function watchExit(recorder: ExitFlush): () => void {
  // Browsers and other runtimes without Node's process events: nothing to watch.
  if (typeof process === "undefined" || typeof process.on !== "function") return () => {};
  if (watched.size === 0) install();
  watched.add(recorder);
  return () => {
    if (watched.delete(recorder) && watched.size === 0) uninstall();
  };
}

function flushAll(): Promise<void> {
  flushing ??= Promise.allSettled([...watched].map((flush) => flush())).then(() => {
    flushing = null;
  });
  return flushing;
}

// beforeExit fires whenever the event loop empties; the flush keeps it busy (ref'd requests),
// then it fires again with nothing left to send, and the process exits normally.
function onBeforeExit(): void {
  void flushAll();
}

function onSignal(signal: NodeJS.Signals): void {
  // Listening for a signal disables Node's default (exit). If the application listens too, it
  // decides when to exit; otherwise flush, then re-raise so the process ends as it would have.
  const othersListen = process.listenerCount(signal) > 1;
  if (othersListen) {
    void flushAll();
    return;
  }
  const reraise = () => {
    uninstall();
    process.kill(process.pid, signal);
  };
  // A second signal while flushing means: stop waiting.
  if (flushing) reraise();
  else void flushAll().then(reraise);
}

function install(): void {
  process.on("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.removeListener("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}
