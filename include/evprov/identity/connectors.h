// Connector assignments: for each EVSE and connector of a variant's layout,
// its OCPP IDs, type, printed label and (when the environment names an eMI3
// country and operator) its eMI3 EVSE ID; persisted per unit in
// unit_connectors.
//
// Labels come from the variant's connector label templates, with placeholders
// ${evse} ${connector} ${charger_id} ${serial}; an empty template means
// kDefaultLabel.
//
// eMI3 EVSE IDs (ISO 15118 / eMI3 "EVSE ID"):
//   <country>*<operator>*E<charger part>*<evse id>       e.g. DE*ABC*ECPEVB2626000017*1
// where <country> is the environment's emi3_country (2 letters), <operator> its
// emi3_operator (3 letters or digits), both upper-cased, and <charger part> is
// Emi3ChargerPart(charger ID): the charger ID with every character that is not
// a letter or digit removed, upper-cased. The whole ID must match
// ^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9\*]{1,30}$, so the charger part may have at
// most 30 - 1 - digits(evse id) characters; a longer one is refused (never
// truncated, since truncation could give two units the same EVSE ID).
//
// Thread-safety: pure functions, and free functions over the caller's
// Transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::identity {

inline constexpr std::string_view kDefaultLabel = "${evse}-${connector}";

struct ConnectorAssignment {
  int evse_id = 0;       // 1..N
  int connector_id = 0;  // 1..M within the EVSE
  std::string type;      // e.g. "cType2"
  std::string label;     // rendered
  std::optional<std::string> emi3_evse_id;
  bool operator==(const ConnectorAssignment&) const = default;
};

// What labels and eMI3 IDs are rendered from.
struct ConnectorNames {
  std::string charger_id;
  std::string serial;
};

// Renders one label template. kInvalidArgument naming an unknown placeholder
// or an unclosed "${" and its position.
Result<std::string> RenderLabel(std::string_view label_template, int evse_id, int connector_id,
                                const ConnectorNames& names);

// The charger ID reduced to upper-case letters and digits.
std::string Emi3ChargerPart(std::string_view charger_id);

// The eMI3 EVSE ID, checked against the regex above. kInvalidArgument naming
// "environment.emi3_country", "environment.emi3_operator" or "emi3_evse_id".
Result<std::string> Emi3EvseId(std::string_view country, std::string_view operator_id,
                               std::string_view charger_id, int evse_id);

// The assignments for every connector of the variant, ordered by (evse,
// connector). eMI3 IDs are set when the environment has both emi3_country and
// emi3_operator; one without the other is kInvalidArgument.
Result<std::vector<ConnectorAssignment>> PlanConnectors(const catalog::Variant& variant,
                                                        const catalog::Environment& environment,
                                                        const ConnectorNames& names);

// Stores the unit's assignments (audited). Idempotent: storing the same plan
// again is ok; a different plan for a unit that already has one is
// kFailedPrecondition. REQUIRES: tx is a write transaction.
Status AssignConnectors(store::Transaction& tx, std::int64_t unit_id,
                        const std::vector<ConnectorAssignment>& plan,
                        std::string_view actor = "pipeline");

// The unit's stored assignments, ordered by (evse, connector); empty if none.
Result<std::vector<ConnectorAssignment>> ListConnectors(store::Transaction& tx,
                                                        std::int64_t unit_id);

}  // namespace evprov::identity
