#!/usr/bin/env bash
# The README's first command: set up the machine, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${EVPROV_BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD" evprov evprov-sim
exec "$BUILD/evprov" demo "$@"
