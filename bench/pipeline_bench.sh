#!/usr/bin/env bash
# The whole journey, N units (default 2,000), production environment
# (security profile 3 at validation, CA keys in SoftHSM2), SQLite store,
# simulated boot delay 0; the station runs in the `evprov demo` process, the
# simulator fleet (evprov-sim fleet) in its own process. Runs R times
# (default 3) and prints a Markdown table: units/s (median), per-step
# p50/p95/p99 of the median run, CPU per unit (station + fleet), and, as the
# references measured in the same run: the ECDSA/ECDH work a unit needs at
# minimum, from `openssl speed`, and the CPU of the unit's two TLS handshakes
# without sockets (build/tls_handshake_bench).
# The whole batch starts at once (the fleet's --ramp-per-second 0); RAMP=<n>
# starts n chargers per second instead (the demo's default is 200).
# The simulated chargers keep their state (their flash) in a tmpfs directory
# under /dev/shm when there is one: on this machine's ext4, creating thousands
# of unit directories costs the fleet up to 15 % more CPU when many files were
# deleted in the minutes before (README, "Where the cost goes"). The station's
# store stays on disk. SIM_STATE=disk keeps the chargers' state in the run
# directory.
# Usage: [RAMP=n] [SIM_STATE=disk] bench/pipeline_bench.sh [build-dir] [units] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
UNITS=${2:-2000}
RUNS=${3:-3}
RAMP=${RAMP:-0}
SIM_STATE=${SIM_STATE:-tmpfs}
case "$SIM_STATE" in tmpfs | disk) ;; *) echo "pipeline_bench: SIM_STATE must be tmpfs or disk" >&2; exit 2 ;; esac
[ "$SIM_STATE" = tmpfs ] && { [ -d /dev/shm ] && [ -w /dev/shm ] || SIM_STATE=disk; }
for exe in evprov evprov-sim; do
  [ -x "$BUILD/$exe" ] || { echo "pipeline_bench: build $BUILD/$exe first" >&2; exit 1; }
done
work=$(mktemp -d /tmp/evprov-pipeline-bench-XXXXXX)
shm=
[ "$SIM_STATE" = tmpfs ] && shm=$(mktemp -d /dev/shm/evprov-pipeline-bench-XXXXXX)
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT

for run in $(seq 1 "$RUNS"); do
  # CPU of the demo process and its waited children (the fleet).
  /usr/bin/time -f '%U %S' -o "$work/cpu-$run" \
    "$BUILD/evprov" demo --units "$UNITS" --env production --boot-delay-ms 0 --timeout 1800 \
    --ramp-per-second "$RAMP" ${shm:+--sim-state-dir "$shm/run-$run"} \
    --dir "$work/run-$run" --summary-json "$work/summary-$run.json" >"$work/out-$run" 2>&1 ||
    { echo "pipeline_bench: run $run failed:" >&2; tail -5 "$work/out-$run" >&2; exit 1; }
  # Run directories stay until the end: deleting thousands of files just
  # before the next run makes ext4 slow to create that run's state files
  # (it skips recently freed inodes), which showed as fleet CPU.
done

speed=$(openssl speed -seconds 2 ecdsap256 ecdhp256 2>/dev/null)
# The second reference: the unit's two TLS 1.3 handshakes as the pipeline
# makes them (our contexts, P-256 chains), both ends on one thread, in memory
# (bench/tls_handshake_bench.cc): the factory one (server certificate only;
# the demo's units bring a bootstrap secret) and the validation one (mutual).
if [ -x "$BUILD/tls_handshake_bench" ]; then
  "$BUILD/tls_handshake_bench" --benchmark_filter='tls:13' --benchmark_format=json \
    --benchmark_out="$work/tls.json" --benchmark_out_format=json >/dev/null 2>&1 || rm -f "$work/tls.json"
fi
python3 - "$work" "$RUNS" "$UNITS" "$RAMP" "$SIM_STATE" <<PY
import json, statistics, sys
work, runs, units, ramp, sim_state = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
speed = """$speed"""
signs = verifies = ecdh = None
for line in speed.splitlines():
    f = line.split()
    if "nistp256" in line and "ecdsa" in line.lower() and len(f) >= 2:
        signs, verifies = float(f[-2]), float(f[-1])
    elif "nistp256" in line and "ecdh" in line.lower():
        ecdh = float(f[-1])
summaries, cpu = [], []
for r in range(1, runs + 1):
    summaries.append(json.load(open(f"{work}/summary-{r}.json")))
    u, s = map(float, open(f"{work}/cpu-{r}").read().split())
    cpu.append((u + s) / units * 1000)
rates = [s["units_per_second"] for s in summaries]
median_rate = statistics.median(rates)
mid = summaries[rates.index(median_rate)] if median_rate in rates else summaries[0]
start = "the whole batch at once" if ramp == 0 else f"{ramp:g} chargers started per second"
state = "chargers' state on tmpfs" if sim_state == "tmpfs" else "chargers' state on disk"
print(f"{units} units, production (profile 3, SoftHSM2 CA), boot delay 0, {start}, {state}, {runs} runs")
print()
print("| measure | value |")
print("|---|---:|")
print(f"| units/s, median of {runs} (all runs: {', '.join(f'{r:.1f}' for r in rates)}) | {median_rate:.1f} |")
print(f"| CPU per unit, station + fleet (median) | {statistics.median(cpu):.1f} ms |")
split = [(s.get("station_cpu_ms_per_unit"), s.get("fleet_cpu_ms_per_unit")) for s in summaries]
if all(a is not None and b is not None for a, b in split):
    print(f"| of which the station / the fleet (medians) | "
          f"{statistics.median(a for a, _ in split):.1f} ms / {statistics.median(b for _, b in split):.1f} ms |")
if signs and verifies and ecdh:
    # Per unit at least: 2 TLS handshakes (server: 1 sign + 1 ECDH each; the
    # profile-3 one verifies the client chain, 2 verifies; client: 1 verify
    # each + 1 ECDH, 1 sign for its certificate), the CSR (1 sign, 1 verify),
    # the certificate (1 sign, charger verifies 2): 5 signs, 8 verifies, 4 ECDH.
    floor_ms = (5 / signs + 8 / verifies + 4 / ecdh) * 1000
    print(f"| reference: minimum ECDSA/ECDH work per unit (openssl speed, same run) | {floor_ms:.2f} ms |")
    print(f"| crypto floor / CPU per unit | {floor_ms / statistics.median(cpu) * 100:.0f}% |")
try:
    handshakes = {b["name"].split("/")[2]: b["cpu_time"] / 1000
                  for b in json.load(open(f"{work}/tls.json"))["benchmarks"]
                  if "error_message" not in b and b["time_unit"] == "us"}
except (OSError, ValueError, KeyError, IndexError):
    handshakes = {}
if "mutual:0" in handshakes and "mutual:1" in handshakes:
    per_unit = handshakes["mutual:0"] + handshakes["mutual:1"]
    print(f"| reference: the unit's 2 TLS 1.3 handshakes (server-only {handshakes['mutual:0']:.2f} + mutual "
          f"{handshakes['mutual:1']:.2f} ms), both ends, in memory (tls_handshake_bench, same run) | {per_unit:.2f} ms |")
    print(f"| TLS handshakes / CPU per unit | {per_unit / statistics.median(cpu) * 100:.0f}% |")
    print(f"| TLS handshakes / the CPU a unit may cost at 150 units/s on 2 cores (13.3 ms) | {per_unit / (2000 / 150) * 100:.0f}% |")
print()
print("| step (median run) | p50 ms | p95 ms | p99 ms |")
print("|---|---:|---:|---:|")
for s in mid["steps"]:
    print(f"| {s['step']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} |")
PY
