#!/usr/bin/env bash
# schemathesis against each seed API's generated server, and the constraints, formats,
# streaming and methods specs' (e2e/specs/{constraints,formats,streaming,methods}.yaml;
# schemathesis checks each server-sent event against the 3.2 itemSchema, and sends 3.2's
# QUERY requests), running its reference implementation (e2e/src/reference.rs)
# on 127.0.0.1, with every check schemathesis has:
# no 5xx, documented statuses, content types, headers and bodies, rejection of invalid data.
#   e2e/schemathesis.sh [MAX_EXAMPLES]        (default 100 per operation and phase)
set -euo pipefail
cd "$(dirname "$0")/.."
max_examples="${1:-100}"

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "schemathesis==4.32.5"
# Build outputs live where Cargo puts them (CARGO_TARGET_DIR, build.target-dir, or target/):
# the binary's path is the one Cargo reports, and logs go beside it.
server_bin=$(e2e/built-binary.sh reference-server)
logs=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/schemathesis
mkdir -p "$logs"

# API, base path of its generated router, the credential its spec asks for, its spec when it
# is not specs/<API>.yaml, and checks left out. schemathesis 4.32.5 reads OpenAPI 3.2's `query`
# method but not `additionalOperations`: the `Allow` of /documents/{id} rightly names LINK
# and UNLINK, which it takes for undocumented (e2e/tests/methods.rs checks that header).
apis=(
  "aisquare-studio||"
  "auth-api-v2|/api/v2|"
  "authenticate-refresh||"
  "bnn-console||Authorization: Bearer reference-access-token"
  "forsta-atlas|/v1|Authorization: JWT reference-access-token"
  "constraints|||e2e/specs/constraints.yaml"
  "formats|||e2e/specs/formats.yaml"
  "streaming|||e2e/specs/streaming.yaml"
  "methods|||e2e/specs/methods.yaml|allow_header_conformance"
)

port=18600
failed=0
summary=""
for entry in "${apis[@]}"; do
  IFS='|' read -r api base credential spec excluded <<<"$entry"
  spec="${spec:-specs/$api.yaml}"
  port=$((port + 1))
  "$server_bin" "$api" "$port" &
  server=$!
  for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  options=()
  if [ -n "$credential" ]; then options=(--header "$credential"); fi
  if [ -n "$excluded" ]; then options+=(--exclude-checks "$excluded"); fi
  log="$logs/$api.log"
  if schemathesis --config-file e2e/schemathesis.toml run "$spec" --url "http://127.0.0.1:$port$base" --checks all \
      --max-examples "$max_examples" "${options[@]}" --no-color >"$log" 2>&1; then
    outcome="ok"
  else
    outcome="FAILED (see $log)"
    failed=1
    sed -n '/FAILURES/,/SUMMARY/p' "$log" | head -60
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  cases=$(grep -Eo '[0-9]+ generated' "$log" | head -1 || true)
  summary+=$(printf '%-22s %-16s %s' "$api" "${cases:-? generated}" "$outcome")$'\n'
done
printf '\n%s' "$summary"
exit "$failed"
