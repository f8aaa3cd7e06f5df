#!/usr/bin/env bash
# Builds one binary of the e2e package and prints its path as Cargo reports it, so that
# CARGO_TARGET_DIR and build.target-dir are honoured:   e2e/built-binary.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
path=$(cargo build --quiet -p e2e --bin "$1" --message-format=json-render-diagnostics \
  | python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable"):
        print(message["executable"])')
[ -n "$path" ] || { echo "cargo reported no $1 binary" >&2; exit 1; }
echo "$path"
