// evprov: the station's command-line interface. Argument parsing and wiring only;
// every command lives in src/cli/.
#include "evprov/cli/cli.h"

int main(int argc, char** argv) {
  return evprov::cli::Main(argc, argv);
}
