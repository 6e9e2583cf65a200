// Canonical JSON of catalog documents: how the repository stores them and
// what content_sha256 is computed over (format: docs/catalog.md, "Canonical
// JSON"). Same content => same bytes => same hash.
//
// Canonical form: compact UTF-8 JSON, object keys sorted, every field of the
// model present except absent optionals, numbers as the model types them.
// A Variant's `version` is not part of its content (the repository assigns
// it) and is left out; FromJson gives version 0.
//
// FromJson checks structure and types (unknown keys, wrong types) but not the
// rules, so a document stored under older rules still reads back; call
// Validate* (loader.h) on input from outside.
//
// Thread-safety: pure functions; callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::catalog {

std::string ToJson(const Variant& variant);
std::string ToJson(const Environment& env);
std::string ToJson(const WorkOrder& order);  // "variant": "name@version"

Result<Variant> VariantFromJson(std::string_view json);
Result<Environment> EnvironmentFromJson(std::string_view json);
Result<WorkOrder> WorkOrderFromJson(std::string_view json);

// Hex SHA-256 of ToJson(...).
std::string ContentSha256(const Variant& variant);
std::string ContentSha256(const Environment& env);

}  // namespace evprov::catalog
