#include "evprov/identity/connectors.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <tuple>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "identity/text.h"

namespace evprov::identity {
namespace {

constexpr std::size_t kMaxEmi3TailLength = 30;  // what follows the 'E'

bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllOf(std::string_view text, std::size_t size, bool (*pred)(char)) {
  return text.size() == size && std::all_of(text.begin(), text.end(), pred);
}

const std::regex& Emi3Regex() {
  static const std::regex kRegex(R"(^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9\*]{1,30}$)");
  return kRegex;
}

std::string Where(int evse_id, int connector_id) {
  return "evse " + std::to_string(evse_id) + " connector " + std::to_string(connector_id);
}

}  // namespace

Result<std::string> RenderLabel(std::string_view label_template, int evse_id, int connector_id,
                                const ConnectorNames& names) {
  std::string_view text = label_template.empty() ? kDefaultLabel : label_template;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find("${", i);
    out += text.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("label: unclosed '${' at position " + std::to_string(open) +
                                     " of '" + std::string(text) + "'");
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    std::string value;
    if (name == "evse") {
      value = std::to_string(evse_id);
    } else if (name == "connector") {
      value = std::to_string(connector_id);
    } else if (name == "charger_id") {
      value = names.charger_id;
    } else if (name == "serial") {
      value = names.serial;
    } else {
      return Status::InvalidArgument("label: unknown placeholder '${" + std::string(name) +
                                     "}' at position " + std::to_string(open) +
                                     " (known: ${evse} ${connector} ${charger_id} ${serial})");
    }
    if (value.empty()) {
      return Status::InvalidArgument("label: placeholder '${" + std::string(name) +
                                     "}' at position " + std::to_string(open) + " has no value");
    }
    out += value;
    i = close + 1;
  }
  return out;
}

std::string Emi3ChargerPart(std::string_view charger_id) {
  std::string part;
  for (char c : charger_id) {
    if (IsAlnum(c)) part += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return part;
}

Result<std::string> Emi3EvseId(std::string_view country, std::string_view operator_id,
                               std::string_view charger_id, int evse_id) {
  std::string cc = Upper(country);
  std::string op = Upper(operator_id);
  if (!AllOf(cc, 2, [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Status::InvalidArgument("environment.emi3_country: '" + std::string(country) +
                                   "' is not 2 letters (ISO 3166 alpha-2)");
  }
  if (!AllOf(op, 3, IsAlnum)) {
    return Status::InvalidArgument("environment.emi3_operator: '" + std::string(operator_id) +
                                   "' is not 3 letters or digits");
  }
  std::string part = Emi3ChargerPart(charger_id);
  std::string tail = part + "*" + std::to_string(evse_id);
  if (part.empty() || tail.size() > kMaxEmi3TailLength) {
    return Status::InvalidArgument(
        "emi3_evse_id: charger ID '" + std::string(charger_id) + "' gives '" + part + "' (" +
        std::to_string(part.size()) + " letters and digits); with '*" + std::to_string(evse_id) +
        "' it must be 1.." + std::to_string(kMaxEmi3TailLength) + " characters");
  }
  std::string id = cc + "*" + op + "*E" + tail;
  if (!std::regex_match(id, Emi3Regex())) {
    return Status::Internal("emi3_evse_id: '" + id + "' does not match the eMI3 EVSE ID format");
  }
  return id;
}

Result<std::vector<ConnectorAssignment>> PlanConnectors(const catalog::Variant& variant,
                                                        const catalog::Environment& environment,
                                                        const ConnectorNames& names) {
  bool has_country = environment.emi3_country.has_value();
  if (has_country != environment.emi3_operator.has_value()) {
    return Status::InvalidArgument(std::string("environment.") +
                                   (has_country ? "emi3_operator" : "emi3_country") +
                                   ": missing while the other eMI3 field is set");
  }
  if (variant.evses.empty()) {
    return Status::InvalidArgument("variant.evses: the layout has no EVSE");
  }
  std::vector<ConnectorAssignment> plan;
  for (const catalog::Evse& evse : variant.evses) {
    if (evse.id < 1 || evse.connectors.empty()) {
      return Status::InvalidArgument("variant.evses: EVSE " + std::to_string(evse.id) +
                                     " needs an id >= 1 and at least one connector");
    }
    std::optional<std::string> emi3;
    if (has_country) {
      auto id = Emi3EvseId(*environment.emi3_country, *environment.emi3_operator, names.charger_id,
                           evse.id);
      if (!id.ok()) return id.status();
      emi3 = std::move(id).value();
    }
    for (const catalog::Connector& connector : evse.connectors) {
      if (connector.id < 1) {
        return Status::InvalidArgument("variant.evses: " + Where(evse.id, connector.id) +
                                       ": connector ids start at 1");
      }
      auto label = RenderLabel(connector.label, evse.id, connector.id, names);
      if (!label.ok()) return label.status().WithContext(Where(evse.id, connector.id));
      plan.push_back({evse.id, connector.id, connector.type, std::move(label).value(), emi3});
    }
  }
  std::sort(plan.begin(), plan.end(), [](const auto& a, const auto& b) {
    return std::tie(a.evse_id, a.connector_id) < std::tie(b.evse_id, b.connector_id);
  });
  for (std::size_t i = 1; i < plan.size(); ++i) {
    if (plan[i].evse_id == plan[i - 1].evse_id &&
        plan[i].connector_id == plan[i - 1].connector_id) {
      return Status::InvalidArgument(
          "variant.evses: " + Where(plan[i].evse_id, plan[i].connector_id) + " appears twice");
    }
  }
  return plan;
}

Result<std::vector<ConnectorAssignment>> ListConnectors(store::Transaction& tx,
                                                        std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT evse_id, connector_id, connector_type, label, emi3_evse_id "
                          "FROM unit_connectors WHERE unit_id = ? ORDER BY evse_id, connector_id",
                          {unit_id}));
  std::vector<ConnectorAssignment> out;
  out.reserve(rows.size());
  for (const store::Row& row : rows) {
    out.push_back({static_cast<int>(row.Int(0)), static_cast<int>(row.Int(1)), row.Text(2),
                   row.Text(3), row.OptText(4)});
  }
  return out;
}

Status AssignConnectors(store::Transaction& tx, std::int64_t unit_id,
                        const std::vector<ConnectorAssignment>& plan, std::string_view actor) {
  EVPROV_TRY(
      tx.QueryOne("unit " + std::to_string(unit_id), "SELECT id FROM units WHERE id = ?", {unit_id})
          .status());
  if (plan.empty()) return Status::InvalidArgument("connectors: the plan is empty");
  EVPROV_ASSIGN_OR_RETURN(auto stored, ListConnectors(tx, unit_id));
  if (!stored.empty()) {
    if (stored == plan) return Status::Ok();
    return Status::FailedPrecondition("connectors: unit " + std::to_string(unit_id) +
                                      " already has other connector assignments; they are "
                                      "fixed once issued");
  }
  nlohmann::json detail = nlohmann::json::array();
  for (const ConnectorAssignment& c : plan) {
    EVPROV_TRY(tx.Exec("INSERT INTO unit_connectors(unit_id, evse_id, connector_id, "
                       "connector_type, label, emi3_evse_id) VALUES (?, ?, ?, ?, ?, ?)",
                       {unit_id, c.evse_id, c.connector_id, c.type, c.label, c.emi3_evse_id})
                   .status());
    nlohmann::json entry = {{"evse", c.evse_id}, {"connector", c.connector_id}, {"label", c.label}};
    if (c.emi3_evse_id) entry["emi3_evse_id"] = *c.emi3_evse_id;
    detail.push_back(std::move(entry));
  }
  EVPROV_TRY(audit::Append(tx, actor, "unit.connectors", internal::UnitObject(unit_id),
                           nlohmann::json{{"connectors", detail}}.dump()));
  log::Info("unit.connectors", {{"unit_id", unit_id}, {"count", plan.size()}});
  return Status::Ok();
}

}  // namespace evprov::identity
