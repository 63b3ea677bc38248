// Coalescing of a connection's writes: when several frames go to one socket in the same turn of
// the event loop (several sources' batches sealed together — one ingest request, or batch timers
// that fell due together), the second one corks the socket and the turn's end uncorks it, so one
// writev carries them instead of one syscall each. The first frame of a turn is written at once:
// a single batch is neither delayed nor pays for corking.
import type { Socket } from "node:net";

/** Past this many bytes waiting in a corked socket, they are flushed at once: corking saves
 *  syscalls, it must not hold a burst back (nor count it against the slow-consumer cap). */
const FLUSH_BYTES = 64 * 1024;

let turn = 0;
let turnEnding = false;
const corked: Socket[] = [];

// setImmediate, not nextTick: Node runs the nextTick queue between two timer callbacks, so a
// nextTick would end the turn between two sources' batch timers firing together.
function endTurn(): void {
  turnEnding = false;
  turn += 1;
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}

export class CoalescedWrites {
  /** The turn of this socket's last write, and the turn in which it was corked. */
  private lastTurn = -1;
  private corkedTurn = -1;

  write(socket: Socket, frame: Buffer): void {
    if (this.lastTurn !== turn) {
      this.lastTurn = turn;
      if (!turnEnding) {
        turnEnding = true;
        setImmediate(endTurn);
      }
    } else if (this.corkedTurn !== turn) {
      this.corkedTurn = turn;
      socket.cork();
      corked.push(socket);
    }
    socket.write(frame);
    if (this.corkedTurn === turn && socket.writableLength >= FLUSH_BYTES) {
      // Flush now; a later frame of this turn corks again (an extra uncork is a no-op).
      this.corkedTurn = -1;
      socket.uncork();
    }
  }
}
