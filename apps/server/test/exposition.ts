// Reading /metrics in tests: a strict parser of the text exposition format 0.0.4 and promtool's
// own check (Debian's prometheus package; scripts/ensure-services.sh installs it).
import { spawn } from "node:child_process";
import { expect } from "vitest";

export interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A strict reader of the text exposition format 0.0.4: throws on any malformed line. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const nameRe = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const sampleRe = new RegExp(`^(${nameRe})(?:\\{(.*)\\})? (\\S+)$`);
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue; // allowed between families (prom-client writes one)
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind = "", name = "", rest = ""] = meta;
      const family = families.get(name) ?? { type: "untyped", help: "", samples: [] };
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest))
          throw new Error(`bad type: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples: ${line}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    const match = sampleRe.exec(line);
    if (!match) throw new Error(`malformed line: ${line}`);
    const [, name = "", labelText = "", raw = ""] = match;
    const labels: Record<string, string> = {};
    labelRe.lastIndex = 0;
    while (labelRe.lastIndex < labelText.length) {
      const label = labelRe.exec(labelText);
      if (!label) throw new Error(`malformed labels: ${line}`);
      labels[label[1] ?? ""] = label[2] ?? "";
    }
    const value = raw === "+Inf" ? Number.POSITIVE_INFINITY : Number(raw);
    // prom-client writes "Nan" (the event-loop figures before a first sample); Prometheus's own
    // parser takes NaN in any case.
    if (Number.isNaN(value) && raw.toLowerCase() !== "nan") throw new Error(`bad value: ${line}`);
    const base = name.replace(/_(bucket|sum|count)$/, "");
    const family = families.get(name) ?? families.get(base);
    if (!family) throw new Error(`sample without TYPE: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}

/**
 * Runs `promtool check metrics` on the text and answers its complaints ("" when clean). Throws
 * when promtool is missing: the check must not silently pass.
 */
export function promtoolCheck(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error) =>
      reject(new Error(`promtool is needed (bash scripts/ensure-services.sh installs it): ${error.message}`)),
    );
    child.on("close", (code) => (code === 0 ? resolve(output.trim()) : reject(new Error(output))));
    child.stdin.end(text);
  });
}
