// evprov-sim's command line (apps/evprov-sim is a thin main around it):
//   evprov-sim run    one charger until SIGINT/SIGTERM or --exit-when
//   evprov-sim fleet  N chargers in one process, with a summary
// Options and the manifest format: docs/sim.md.
//
// Exit codes: 0 done (goal reached, or stopped by a signal), 1 goal not
// reached before --timeout or a runtime error, 2 bad arguments.
// Thread-safety: Main installs SIGINT/SIGTERM handlers; one call at a time.
#pragma once

namespace evprov::sim::cli {

int Main(int argc, char** argv);

}  // namespace evprov::sim::cli
