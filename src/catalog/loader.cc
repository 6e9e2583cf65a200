// Files and text -> validated documents: parse, read (types), check (rules).
#include "evprov/catalog/loader.h"

#include <fstream>

#include "catalog/documents.h"
#include "catalog/yaml_reader.h"

namespace evprov::catalog {
namespace {

template <typename T>
using ReadFn = void (*)(const YAML::Node&, Issues&, T&);
template <typename T>
using CheckFn = void (*)(const T&, Issues&);

// Rules run only on a document whose structure read cleanly, so every
// finding is about a value the file really has.
template <typename T>
Result<T> LoadText(std::string_view text, std::string_view source, ReadFn<T> read,
                   CheckFn<T> check) {
  Issues issues;
  std::optional<YAML::Node> root = ParseYaml(text, issues);
  T value{};
  if (root) read(*root, issues, value);
  if (issues.empty()) check(value, issues);
  EVPROV_TRY(issues.ToStatus(source));
  return value;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the file");
  std::string text;
  text.resize(kMaxCatalogFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Status::Internal(path + ": read failed");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxCatalogFileBytes) {
    return Status::InvalidArgument(path + ": larger than " + std::to_string(kMaxCatalogFileBytes) +
                                   " bytes");
  }
  return text;
}

template <typename T>
Result<T> LoadFile(const std::string& path, ReadFn<T> read, CheckFn<T> check) {
  EVPROV_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return LoadText<T>(text, path, read, check);
}

template <typename T>
Status Validate(const T& value, std::string_view source, CheckFn<T> check) {
  Issues issues;
  check(value, issues);
  return issues.ToStatus(source);
}

}  // namespace

Result<Variant> LoadVariantFile(const std::string& path) {
  return LoadFile<Variant>(path, ReadVariant, CheckVariant);
}
Result<Environment> LoadEnvironmentFile(const std::string& path) {
  return LoadFile<Environment>(path, ReadEnvironment, CheckEnvironment);
}
Result<WorkOrder> LoadWorkOrderFile(const std::string& path) {
  return LoadFile<WorkOrder>(path, ReadWorkOrder, CheckWorkOrder);
}

Result<Variant> LoadVariantFromString(std::string_view text, std::string_view source_name) {
  return LoadText<Variant>(text, source_name, ReadVariant, CheckVariant);
}
Result<Environment> LoadEnvironmentFromString(std::string_view text, std::string_view source_name) {
  return LoadText<Environment>(text, source_name, ReadEnvironment, CheckEnvironment);
}
Result<WorkOrder> LoadWorkOrderFromString(std::string_view text, std::string_view source_name) {
  return LoadText<WorkOrder>(text, source_name, ReadWorkOrder, CheckWorkOrder);
}

Status ValidateVariant(const Variant& variant, std::string_view source) {
  return Validate(variant, source, CheckVariant);
}
Status ValidateEnvironment(const Environment& env, std::string_view source) {
  return Validate(env, source, CheckEnvironment);
}
Status ValidateWorkOrder(const WorkOrder& order, std::string_view source) {
  return Validate(order, source, CheckWorkOrder);
}

}  // namespace evprov::catalog
