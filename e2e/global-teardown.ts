// Removes the run's temporary database folder.
import { rmSync } from "node:fs";

export default function globalTeardown(): void {
  const dir = process.env.E2E_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
