#!/usr/bin/env bash
# The README's test command: sets up the machine, builds once with Ninja, runs
# the style checks and the whole test suite in parallel.
# Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${EVPROV_BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD"
scripts/lint.sh "$BUILD"
cd "$BUILD"
ctest -j"$(( $(nproc) + 2 ))" --output-on-failure --timeout 600 "$@"
