#!/usr/bin/env bash
# Screenshots the /docs page in headless Chromium, to look at it after changing
# Sources/OctoFCGI/HTTP/DocsPage.swift or HTTP/Docs/. Not part of CI.
#
#   scripts/docs-screenshot.sh [out.png] [port]
# Needs: nginx and chromium on PATH (apt-get install -y nginx chromium), a built octoai.
set -euo pipefail
out=${1:-/tmp/docs.png}
port=${2:-18480}
root=$(cd "$(dirname "$0")/.." && pwd)
octoai=${OCTOAI_BIN:-$root/.build/debug/octoai}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)

SETUP_SECONDS=0 "$octoai" run --port "$port" --workers 1 --threads 2 2>/tmp/docs-screenshot-octoai.log &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthcheck" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/healthcheck" >/dev/null || { echo "octoai did not come up; see /tmp/docs-screenshot-octoai.log" >&2; exit 1; }

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out" --window-size=${WINDOW:-1200,1600} \
  "http://127.0.0.1:$port/docs" 2>/dev/null
echo "wrote $out"
