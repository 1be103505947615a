#!/usr/bin/env bash
# What the deployment tests need beyond scripts/install-deps.sh (Debian/Ubuntu), only
# what is missing: iproute2 (ip netns, veth: the multi-host test), systemd
# (systemd-analyze verify on deploy/systemd), and kubernetes-validate from PyPI in the
# venv .build-venv at the checkout root (the Kubernetes manifests' schema check).
# The Dockerfile's runtime stage runs this script too.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(iproute2 systemd python3-venv)
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
# The runtime image needs none of the Python part (OCTOAI_DEPLOY_DEPS=system skips it).
[ "${OCTOAI_DEPLOY_DEPS:-all}" = system ] && exit 0
venv=.build-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import kubernetes_validate' 2>/dev/null || "$venv/bin/pip" install -q kubernetes-validate
