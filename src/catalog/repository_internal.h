// Shared by the repository's source files. Private to src/catalog.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "evprov/catalog/repository.h"

namespace evprov::catalog {

// The audit object of a variant version: "variant/wallbox-ac22@2".
std::string VariantObject(std::string_view name, int version);

// One stored variant version with its row id and its document (checked
// against content_sha256). version 0 = latest. NotFound when absent.
struct StoredVariant {
  std::int64_t row_id = 0;
  VariantRecord record;
  std::string document;
};
Result<StoredVariant> FindVariant(store::Transaction& tx, std::string_view name, int version);

}  // namespace evprov::catalog
