#!/usr/bin/env bash
# Installs the system packages octoai-fcgi needs (Debian/Ubuntu), only those missing.
set -euo pipefail
packages=(libfcgi-dev libopenblas0 nginx pkg-config curl python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The OpenAPI validator the tests check our document with.
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
command -v swift >/dev/null || { echo "swift is not on PATH: install Swift 6 from swift.org first" >&2; exit 1; }
bash "$(dirname "$0")/install-python-deps.sh"
bash "$(dirname "$0")/install-deploy-deps.sh"
