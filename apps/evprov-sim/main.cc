// evprov-sim: the OCPP 2.0.1 charging station simulator. Argument parsing and
// wiring live in the library (src/sim/cli.cc).
#include <csignal>

#include "evprov/sim/cli.h"

int main(int argc, char** argv) {
  // A peer that goes away mid-write must be an error on that connection, not
  // the end of the process.
  std::signal(SIGPIPE, SIG_IGN);
  return evprov::sim::cli::Main(argc, argv);
}
