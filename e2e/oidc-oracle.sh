#!/usr/bin/env bash
# OAuth 2 and JWKS against a real OpenID Connect provider: installs oidc-provider (pinned by
# e2e/oidc/package-lock.json) and runs the oidc-oracle binary, which starts it on
# 127.0.0.1:18650 and checks client credentials, refresh token rotation and verification
# through discovery and JWKS across a key rotation.   e2e/oidc-oracle.sh
set -euo pipefail
cd "$(dirname "$0")/.."

(cd e2e/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
oracle=$(e2e/built-binary.sh oidc-oracle)
"$oracle" e2e/oidc/provider.mjs
