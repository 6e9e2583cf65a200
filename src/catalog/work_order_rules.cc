// Work order documents: reader and rules (docs/catalog.md, "Work order").
#include <charconv>

#include "catalog/documents.h"
#include "catalog/yaml_reader.h"

namespace evprov::catalog {
namespace {

constexpr CharPattern kOrderId{"A-Z0-9", "A-Z0-9-", 32, "[A-Z0-9][A-Z0-9-]{0,31}"};
constexpr int kMaxQuantity = 100000;

// "name@version" -> name, version; false when the shape is wrong.
bool SplitVariantRef(std::string_view ref, std::string& name, int& version) {
  const std::size_t at = ref.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == ref.size()) return false;
  std::string_view digits = ref.substr(at + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  name = std::string(ref.substr(0, at));
  return true;
}

}  // namespace

void ReadWorkOrder(const YAML::Node& root, Issues& issues, WorkOrder& order) {
  MapReader::Read(root, "", issues, [&](MapReader& m) {
    m.Field("id", order.id);
    std::string ref;
    m.Field("variant", ref);
    if (!ref.empty() && !SplitVariantRef(ref, order.variant_name, order.variant_version)) {
      issues.Add("variant", "must be name@version, e.g. wallbox-ac22@3 (got " + Quote(ref) + ")");
    }
    m.Field("environment", order.environment);
    m.Field("quantity", order.quantity);
    m.Field("customer", order.customer);
    m.Field("site_group", order.site_group, Need::kOptional);
    m.Field("tariff", order.tariff, Need::kOptional);
  });
}

void CheckWorkOrder(const WorkOrder& order, Issues& issues) {
  CheckPattern(issues, "id", order.id, kOrderId);
  if (CheckPattern(issues, "variant", order.variant_name, kSlug) && order.variant_version < 1) {
    issues.Add("variant",
               "version must be >= 1 (got " + std::to_string(order.variant_version) + ")");
  }
  CheckPattern(issues, "environment", order.environment, kSlug);
  CheckRange(issues, "quantity", order.quantity, {1, kMaxQuantity});
  CheckLength(issues, "customer", order.customer, 1, 100);
  CheckLength(issues, "site_group", order.site_group, 0, 64);
  CheckLength(issues, "tariff", order.tariff, 0, 64);
}

}  // namespace evprov::catalog
