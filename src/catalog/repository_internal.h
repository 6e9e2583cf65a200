// Shared by the repository's source files. Private to src/catalog.
#pragma once

#include <string>
#include <string_view>

namespace evprov::catalog {

// The audit object of a variant version: "variant/wallbox-ac22@2".
std::string VariantObject(std::string_view name, int version);

}  // namespace evprov::catalog
