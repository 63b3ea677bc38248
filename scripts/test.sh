#!/usr/bin/env bash
# `npm test`: every test. Installs and starts what the tests need (MariaDB, Redis, Chromium, promtool),
# builds, checks format/lint and types, runs the unit/integration suites on both databases,
# then the browser journeys.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
[ -d node_modules ] || bash scripts/install.sh
npx turbo run build --output-logs=errors-only
npx biome check .
npx turbo run typecheck --output-logs=errors-only
npx turbo run test --concurrency=1
if [ -f playwright.config.ts ]; then npx playwright test; fi
if [ "${SKIP_BENCH_SMOKE:-0}" != 1 ] && [ -f bench/run.mjs ]; then node bench/run.mjs --quick; fi
