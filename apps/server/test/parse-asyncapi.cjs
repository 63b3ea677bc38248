// Parses an AsyncAPI document with @asyncapi/parser and prints its diagnostics and message ids
// as JSON. Run as its own process: the parser's dependencies do not load under vitest's resolver.
const { readFileSync } = require("node:fs");
const { Parser } = require("@asyncapi/parser");

const file = process.argv[2];
new Parser()
  .parse(readFileSync(file, "utf8"))
  .then(({ document, diagnostics }) => {
    const messages = document
      ? document
          .allMessages()
          .all()
          .map((message) => message.id())
      : [];
    const found = diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: d.path,
    }));
    process.stdout.write(
      JSON.stringify({ version: document?.version() ?? null, messages, diagnostics: found }),
    );
  })
  .catch((error) => {
    process.stderr.write(String(error));
    process.exit(1);
  });
