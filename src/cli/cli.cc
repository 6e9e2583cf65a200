#include "evprov/cli/cli.h"

#include <iostream>

#include "evprov/store/store.h"

namespace evprov::cli {

int Main(int argc, char** argv) {
  if (argc >= 3 && std::string_view(argv[1]) == "init") {
    auto store = store::OpenStore(argv[2]);
    if (!store.ok()) {
      std::cerr << "evprov: " << store.status().message() << "\n";
      return 1;
    }
    Status s = store::MigrateToLatest(**store);
    if (!s.ok()) {
      std::cerr << "evprov: " << s.message() << "\n";
      return 1;
    }
    return 0;
  }
  std::cerr << "usage: evprov init STORE\n";
  return 2;
}

}  // namespace evprov::cli
