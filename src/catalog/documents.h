// The three catalog documents, each as a reader (YAML/JSON node -> value,
// structure and types only) and a rule check (value -> findings). Loader,
// canonical JSON and the Validate* functions are built from these.
// Private to src/catalog.
#pragma once

#include <yaml-cpp/yaml.h>

#include "catalog/issues.h"
#include "evprov/catalog/model.h"

namespace evprov::catalog {

void ReadVariant(const YAML::Node& root, Issues& issues, Variant& out);
void CheckVariant(const Variant& v, Issues& issues);

void ReadEnvironment(const YAML::Node& root, Issues& issues, Environment& out);
void CheckEnvironment(const Environment& env, Issues& issues);

void ReadWorkOrder(const YAML::Node& root, Issues& issues, WorkOrder& out);
void CheckWorkOrder(const WorkOrder& order, Issues& issues);

}  // namespace evprov::catalog
