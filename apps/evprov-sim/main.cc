// evprov-sim: the OCPP 2.0.1 charging station simulator. Argument parsing and
// wiring live in the library (src/sim/cli.cc).
#include "evprov/sim/cli.h"

int main(int argc, char** argv) {
  return evprov::sim::cli::Main(argc, argv);
}
