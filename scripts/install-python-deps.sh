#!/usr/bin/env bash
# The Python side's tests: a venv at .build-venv with octoai-sdk 0.10.1 (what a
# user of --service-module has), pytest, and the OpenAPI validator the Swift tests
# use too. Quick when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import importlib.metadata as m, pytest, openapi_spec_validator; assert m.version("octoai-sdk") == "0.10.1"' 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check octoai-sdk==0.10.1 pytest openapi-spec-validator
fi
# schemathesis (a schema-driven HTTP client, SchemaClientTests) in a venv of its own,
# so the one above holds only what octoai-sdk resolves to.
tools=.build-schemathesis
[ -x "$tools/bin/python" ] || python3 -m venv "$tools"
"$tools/bin/python" -c 'import schemathesis' 2>/dev/null || "$tools/bin/python" -m pip install -q --disable-pip-version-check schemathesis
