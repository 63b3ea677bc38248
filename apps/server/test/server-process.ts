// The real server as a child process (main.ts under tsx), started on port 0; resolves once it
// logs that it is listening, with its URL.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, null>;
  url: string;
  /** Everything it has written to stdout so far. */
  output(): string;
}

/** `detached` puts it in its own process group, so a test can signal the whole group. */
export async function startServerProcess(
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: options.detached ?? false,
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited with ${code} before listening:\n${output}`)),
    );
  });
  return { child, url, output: () => output };
}
