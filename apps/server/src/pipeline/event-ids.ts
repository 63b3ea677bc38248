// Event ids: 26 characters of Crockford base32, time first, so they sort by ingest time.
// time (10) + instance (6, random per process, so instances sharing a database never collide)
// + counter (10). Strictly increasing within a process, even when the clock steps back.
import { randomInt } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encode(value: number, width: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export class EventIdGenerator {
  private readonly instance = encode(randomInt(0, 2 ** 30), 6);
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    this.lastMs = Math.max(this.lastMs, this.now());
    this.counter += 1;
    return encode(this.lastMs, 10) + this.instance + encode(this.counter, 10);
  }
}
