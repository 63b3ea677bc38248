#!/usr/bin/env bash
# Installs the workspace from the lock file. `npm ci` first; npm 11 on Linux can write a lock
# without other platforms' optional packages (Biome, Turbo binaries) and then refuse it in
# `npm ci`, so fall back to `npm install`, which keeps the locked versions.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
