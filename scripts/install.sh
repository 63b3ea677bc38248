#!/usr/bin/env bash
# Installs the workspace exactly as package-lock.json says (`npm ci`). No fallback to
# `npm install`: that would rewrite the lock and hide a lock `npm ci` refuses. If `npm ci` fails
# after a dependency change, regenerate the lock from scratch (README, "The lock file").
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
