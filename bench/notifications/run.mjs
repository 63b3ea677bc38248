// `node bench/notifications/run.mjs [--quick] [--dialect=sqlite|mysql|both]`: runs the notification
// benchmark (notification-bench.ts) from the TypeScript sources through tsx.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("./notification-bench.ts", import.meta.url));
const result = spawnSync("npx", ["tsx", "--conditions=source", script, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
