#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for evprov: system packages and the npm
# packages the build and tests use (official OCPP schemas, the ocpp-rpc peer).
# Idempotent; run as root (no sudo needed). Usage: scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config git ca-certificates
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 libpq-dev libpqxx-dev
  nlohmann-json3-dev rapidjson-dev libvalijson-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libqrencode-dev
  softhsm2 libengine-pkcs11-openssl opensc openssl
  swtpm swtpm-tools tpm2-openssl libtss2-tcti-swtpm0
  libtcmalloc-minimal4
  clang-format clang-tidy python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null 2>&1; then
  echo "setup: node is missing; installing Debian's nodejs and npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# npm packages live in third_party/npm (not committed): the official OCPP JSON
# schemas are embedded at build time; ocpp-rpc is the independent test peer.
if [ ! -f third_party/npm/node_modules/.evprov-ok ]; then
  echo "setup: installing npm packages"
  (cd third_party/npm && npm ci --no-audit --no-fund --loglevel=error)
  touch third_party/npm/node_modules/.evprov-ok
fi
echo "setup: done"
