#!/usr/bin/env bash
# Builds the image and runs it: the health check turns healthy, an ingest is accepted and shows in
# /metrics, the process is not root, and without tokens the container refuses to start. Uses
# podman or docker when one can build here; says so plainly, and exits 0, when none can
# (CONTAINER_SMOKE_REQUIRED=1 makes that a failure). Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

engine=""
for candidate in podman docker; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" info >/dev/null 2>&1; then engine=$candidate; break; fi
  echo "container-smoke: $candidate is installed but cannot run containers here ($candidate info failed)" >&2
done
if [ -z "$engine" ]; then
  echo "container-smoke: SKIPPED — no working podman or docker on this machine; the image was neither built nor run." >&2
  [ "${CONTAINER_SMOKE_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
fi

image="scrapewatch:smoke"
name="scrapewatch-smoke-$$"
cleanup() { "$engine" rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "container-smoke: building $image with $engine"
"$engine" build -t "$image" .

echo "container-smoke: without tokens the server must refuse to start on 0.0.0.0"
if "$engine" run --rm "$image" >/tmp/"$name".refused 2>&1; then
  echo "container-smoke: FAILED — the image started without tokens" >&2; exit 1
fi
grep -qi "token" /tmp/"$name".refused || { cat /tmp/"$name".refused >&2; exit 1; }

"$engine" run -d --name "$name" -p 127.0.0.1::3000 \
  -e INGEST_TOKENS=smoke-ingest -e READ_TOKENS=smoke-read -e ADMIN_TOKENS=smoke-admin "$image" >/dev/null
port=$("$engine" port "$name" 3000 | head -1 | sed 's/.*://')
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$url/healthz" >/dev/null || { "$engine" logs "$name" >&2; echo "container-smoke: FAILED — /healthz" >&2; exit 1; }

uid=$("$engine" exec "$name" id -u)
[ "$uid" != 0 ] || { echo "container-smoke: FAILED — runs as root" >&2; exit 1; }

status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/v1/metrics" \
  -H 'authorization: Bearer smoke-ingest' -H 'content-type: application/json' \
  -d '[{"type":"navigation","source":"container-smoke","url":"https://example.test/","durationMs":120,"success":true}]')
[ "$status" = 202 ] || { echo "container-smoke: FAILED — ingest answered $status" >&2; exit 1; }
for _ in $(seq 1 20); do
  curl -fs -H 'authorization: Bearer smoke-read' "$url/metrics" | grep -q 'source="container-smoke"' && break
  sleep 0.5
done
curl -fs -H 'authorization: Bearer smoke-read' "$url/metrics" | grep -q 'source="container-smoke"' ||
  { echo "container-smoke: FAILED — the event is not in /metrics" >&2; exit 1; }

# Docker reports the HEALTHCHECK's verdict; podman only runs it on demand.
if [ "$engine" = podman ]; then podman healthcheck run "$name"; fi
echo "container-smoke: OK ($engine, uid $uid, $url)"
