#!/usr/bin/env bash
# Style gate: clang-format on every file of ours, clang-tidy (warnings are
# errors, see .clang-tidy) on the library and the apps. Usage: scripts/lint.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cc' | grep -v '^third_party/')
clang-format --dry-run --Werror "${files[@]}"
echo "lint: clang-format ok (${#files[@]} files)"
if [ "${EVPROV_SKIP_TIDY:-0}" = 1 ]; then echo "lint: clang-tidy skipped"; exit 0; fi
mapfile -t tidy < <(printf '%s\n' "${files[@]}" | grep -E '^(src|apps)/.*\.cc$')
printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD" --quiet 2>/dev/null
echo "lint: clang-tidy ok (${#tidy[@]} files)"
