#!/usr/bin/env bash
# `npm start`: install if needed, build what changed, then replace this shell with the server
# (exec), so SIGTERM/SIGINT reach node directly and npm exits with node's status (0).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npx turbo run build --output-logs=errors-only
# The demo scrapers run when the database is empty, so a first look shows live charts.
export DEMO="${DEMO:-auto}"
exec node apps/server/dist/main.js
