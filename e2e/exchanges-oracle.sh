#!/usr/bin/env bash
# openapi-core judging every exchange the e2e tests have with a generated server: the tests
# run again with E2E_RECORD_DIR set (e2e/src/recording.rs), and each recorded request and
# response is validated against its spec (e2e/oracles/exchanges_openapi_core.py). Given a
# folder of exchanges already recorded (a test run with E2E_RECORD_DIR set, as CI's), it
# judges those instead.
#   e2e/exchanges-oracle.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "openapi-core==0.23.1"
if [ $# -ge 1 ]; then
  records="$1"
else
  # Under the target directory Cargo reports, so CARGO_TARGET_DIR is honoured.
  target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  records="$target/exchanges"
  rm -rf "$records"
  E2E_RECORD_DIR="$records" cargo test --quiet -p e2e >/dev/null
fi
[ -d "$records" ] || { echo "no exchanges recorded in $records" >&2; exit 1; }
python3 -W ignore::UserWarning e2e/oracles/exchanges_openapi_core.py "$records"
