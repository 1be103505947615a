#!/usr/bin/env bash
# One command for a new machine: installs what is missing, builds, and runs every
# test (unit tests and end-to-end tests through real nginx and octoai processes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
