#!/usr/bin/env bash
# One command for a new machine: installs what is missing, builds octoai (release)
# and serves the default example service over HTTP through a real nginx on
# http://127.0.0.1:${PORT:-8080}/ in the foreground. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product octoai
exec .build/release/octoai run --port "${PORT:-8080}" "$@"
