#!/usr/bin/env bash
# Certificate issuance vs. the physical limit of one thread.
#
# Every issuance verifies one ECDSA P-256 signature (the CSR) and makes one
# (the certificate), so one thread can issue at most 1 / (t_sign + t_verify)
# certificates per second. This script measures t_sign and t_verify with
# `openssl speed -seconds 3 ecdsap256` (CPU time, one core), runs
# build/pki_issue_bench (CPU time per issuance, single thread), and prints a
# Markdown table. Usage: bench/pki_bench.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BENCH="$BUILD/pki_issue_bench"
[ -x "$BENCH" ] || { echo "pki_bench: build $BENCH first (ninja -C $BUILD pki_issue_bench)" >&2; exit 1; }

speed=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1), $NF}')
read -r signs verifies <<<"$speed"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$BENCH" --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json >/dev/null 2>&1

python3 - "$json" "$signs" "$verifies" <<'PY'
import json, sys
path, signs, verifies = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
t_sign, t_verify = 1 / signs, 1 / verifies
limit = 1 / (t_sign + t_verify)
rows = {b["name"].split("/")[0]: b for b in json.load(open(path))["benchmarks"]}
def rate(name):
    b = rows.get(name)
    if b is None or "error_message" in b:
        return None
    return b["items_per_second"]  # per CPU second, one thread
print(f"openssl speed ecdsap256 (one core): {signs:,.0f} signs/s, {verifies:,.0f} verifies/s")
print(f"physical limit 1/(t_sign + t_verify) = 1/({t_sign*1e6:.1f} us + {t_verify*1e6:.1f} us) = {limit:,.0f}/s")
print()
print("| what (single thread, CPU time) | per second | µs each | of the limit | target |")
print("|---|---:|---:|---:|---|")
for name, what, target in [
    ("BM_IssueFileKey", "issue, CA key in encrypted file", "≥ 70% of the limit"),
    ("BM_IssueSoftHsm", "issue, CA key in SoftHSM2 (PKCS#11)", "≥ 3,000/s"),
    ("BM_CheckCsr", "  of which: parse + verify + policy", ""),
    ("BM_SignOnly", "  of which: build + sign + encode", ""),
    ("BM_IssueFileKeyRecorded", "issue + record + audit + commit (SQLite)", ""),
    ("BM_ParseCertificate", "read one P-256 certificate (d2i_X509), as a TLS handshake does per peer certificate", ""),
]:
    r = rate(name)
    if r is None:
        print(f"| {what} | n/a | | | {target} |")
        continue
    print(f"| {what} | {r:,.0f} | {1e6/r:.1f} | {100*r/limit:.0f}% | {target} |")
PY
