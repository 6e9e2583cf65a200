// evprov: the station's command-line interface. Argument parsing and wiring only;
// every command lives in src/cli/.
#include <csignal>

#include "evprov/cli/cli.h"

int main(int argc, char** argv) {
  // A peer that goes away mid-write must be an error on that connection, not
  // the end of the process.
  std::signal(SIGPIPE, SIG_IGN);
  return evprov::cli::Main(argc, argv);
}
