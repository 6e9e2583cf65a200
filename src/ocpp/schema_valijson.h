// The one place libevprov includes valijson. valijson is configured to throw
// (instead of aborting) on a schema it cannot parse, so SchemaValidator::Create
// can return a Status; the exceptions never leave src/ocpp/schema_*.cc.
#pragma once

#define VALIJSON_USE_EXCEPTIONS 1  // NOLINT(cppcoreguidelines-macro-usage)

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
