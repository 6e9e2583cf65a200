// Helpers shared by the catalog tests: the example catalog and a migrated store.
#pragma once

#include <memory>
#include <string>

#include "evprov/store/store.h"
#include "support/temp_dir.h"

namespace evprov::catalog::test {

// Absolute path of a file under examples/catalog/.
inline std::string Example(const std::string& relative) {
  return std::string(EVPROV_SOURCE_DIR) + "/examples/catalog/" + relative;
}

}  // namespace evprov::catalog::test
