#!/usr/bin/env bash
# openapi-core judging the wire of e2e/specs/wire.yaml both ways (e2e/oracles/wire_openapi_core.py):
# hand-written requests to the generated server, and the generated client's requests to a
# recording server.   e2e/wire-oracle.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "openapi-core==0.23.1"
oracle=$(e2e/built-binary.sh wire-oracle)
python3 e2e/oracles/wire_openapi_core.py "$oracle"
