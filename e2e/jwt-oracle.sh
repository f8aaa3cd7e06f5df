#!/usr/bin/env bash
# Tokens crafted by PyJWT against generated routers with JwtVerifier and against the example
# token service (e2e/oracles/jwt_tokens.py): every bad token refused with a 401 challenge,
# every good one accepted.   e2e/jwt-oracle.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  "PyJWT==2.15.1" "cryptography==48.0.0"
# The binary's path as Cargo reports it: CARGO_TARGET_DIR and build.target-dir are honoured.
server_bin=$(e2e/built-binary.sh jwt-oracle-server)
python3 e2e/oracles/jwt_tokens.py "$server_bin"
