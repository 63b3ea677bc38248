// A self-contained HTML page that renders the OpenAPI document: no scripts from elsewhere, the
// document is embedded, and everything is laid out on the server.
type Json = Record<string, unknown>;

export function renderDocsPage(document: Json): string {
  const info = (document.info ?? {}) as Json;
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      sections.push(renderOperation(method, path, operation));
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(String(info.title ?? "API"))} API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1b1f24}
h1{margin-bottom:.2rem}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.6rem;overflow:auto;border-radius:4px}
section{border-top:1px solid #ddd;padding:.6rem 0}.m{display:inline-block;min-width:3.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6d3a}.post{color:#8a4b00}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
details summary{cursor:pointer;color:#335}.tag{color:#666;font-size:12px}
</style></head><body>
<h1>${escapeHtml(String(info.title ?? "API"))} <small>${escapeHtml(String(info.version ?? ""))}</small></h1>
<p>${escapeHtml(String(info.description ?? ""))}</p>
<p>Machine-readable: OpenAPI 3.1 at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (HTTP routes); AsyncAPI 3.0 at <a href="/api/v1/asyncapi.json">/api/v1/asyncapi.json</a> (WebSocket and SSE messages).</p>
${sections.join("\n")}
</body></html>`;
}

function renderOperation(method: string, path: string, operation: Json): string {
  const parameters = (operation.parameters ?? []) as Json[];
  const responses = (operation.responses ?? {}) as Record<string, Json>;
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code>${p.required ? " *" : ""}</td><td><code>${escapeHtml(typeName(p.schema as Json))}</code></td><td>${escapeHtml(String(p.description ?? ""))}</td></tr>`,
    )
    .join("");
  const answers = Object.entries(responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, Json> | undefined;
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      const detail = schema
        ? `<details><summary>schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`
        : "";
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(String(response.description ?? ""))}${detail}</li>`;
    })
    .join("");
  const body = operation.requestBody
    ? `<details><summary>request body</summary><pre>${escapeHtml(JSON.stringify(operation.requestBody, null, 2))}</pre></details>`
    : "";
  return `<section id="${escapeHtml(String(operation.operationId ?? ""))}">
<div><span class="m ${escapeHtml(method)}">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code> <span class="tag">${escapeHtml(((operation.tags ?? []) as string[]).join(", "))}</span></div>
<p>${escapeHtml(String(operation.summary ?? ""))}</p>${operation.description ? `<p>${escapeHtml(String(operation.description))}</p>` : ""}
${rows ? `<table><tr><th>parameter</th><th>type</th><th>description</th></tr>${rows}</table>` : ""}${body}
<ul>${answers}</ul></section>`;
}

function typeName(schema: Json | undefined): string {
  if (!schema) return "";
  if (Array.isArray(schema.enum)) return schema.enum.join(" | ");
  const format = typeof schema.format === "string" ? ` (${schema.format})` : "";
  return `${String(schema.type ?? "")}${format}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
