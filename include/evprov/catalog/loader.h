// Loading catalog YAML files (format: docs/catalog.md) with strict validation.
//
// Any unknown key, wrong type, missing required field or broken rule gives
// Status::InvalidArgument whose message names the source, the field path and
// the reason, one finding per line, the first line being the first finding:
//   variants/dc150.yaml: evses[1].connectors[0].max_current_a: must be > 0 (got -5)
// Secrets never belong in these files and so never appear in messages.
//
// The Validate* functions check the rules on values built elsewhere (the REST
// API, canonical JSON) and give the same messages, each line prefixed with
// source when it is not empty.
//
// Files larger than kMaxCatalogFileBytes are refused.
// Thread-safety: pure functions; callable from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::catalog {

inline constexpr std::size_t kMaxCatalogFileBytes = 1 << 20;

// From a file; messages are prefixed with path as given.
Result<Variant> LoadVariantFile(const std::string& path);
Result<Environment> LoadEnvironmentFile(const std::string& path);
Result<WorkOrder> LoadWorkOrderFile(const std::string& path);

// From YAML text; messages are prefixed with source_name.
Result<Variant> LoadVariantFromString(std::string_view text, std::string_view source_name);
Result<Environment> LoadEnvironmentFromString(std::string_view text, std::string_view source_name);
Result<WorkOrder> LoadWorkOrderFromString(std::string_view text, std::string_view source_name);

// The rules alone (no type checks: the values are already typed).
Status ValidateVariant(const Variant& variant, std::string_view source = "");
Status ValidateEnvironment(const Environment& env, std::string_view source = "");
Status ValidateWorkOrder(const WorkOrder& order, std::string_view source = "");

}  // namespace evprov::catalog
