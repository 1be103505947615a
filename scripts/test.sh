#!/usr/bin/env bash
# One command for a new machine: installs what is missing, builds, and runs every
# test (unit tests and end-to-end tests through real nginx and octoai processes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
# The MiniLM tests need the 90 MB model: fetched once into .build-cache (a no-op when present).
OCTOAI_VOLUME_PATH="$PWD/.build-cache" .build/debug/octoai --service-class MiniLMService store-assets
swift test --skip-build
.build-venv/bin/python -m pytest -q Tests/Python
