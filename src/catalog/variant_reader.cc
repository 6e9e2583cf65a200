// YAML/JSON -> Variant: structure and types only (rules: variant_rules.cc).
#include "catalog/documents.h"
#include "catalog/yaml_reader.h"

namespace evprov::catalog {
namespace {

void ReadConnector(MapReader& m, Connector& c) {
  m.Field("id", c.id);
  m.Field("type", c.type);
  m.Field("max_current_a", c.max_current_a);
  m.Field("phases", c.phases);
  m.Field("label", c.label);
}

void ReadEvse(MapReader& m, Evse& e) {
  m.Field("id", e.id);
  m.Field("max_power_kw", e.max_power_kw);
  m.MapList("connectors", Need::kRequired,
            [&e](MapReader& cm, std::size_t) { ReadConnector(cm, e.connectors.emplace_back()); });
}

void ReadLimits(MapReader& m, OperatingLimits& l) {
  m.Field("max_current_a", l.max_current_a);
  m.Field("phases", l.phases);
  m.Map("thermal", Need::kRequired, [&l](MapReader& t) {
    t.Field("derate_start_c", l.thermal.derate_start_c);
    t.Field("shutdown_c", l.thermal.shutdown_c);
  });
}

void ReadSetting(MapReader& m, VariableSetting& s) {
  m.Field("component", s.component);
  m.Field("component_instance", s.component_instance);
  m.Field("evse", s.evse);
  m.Field("connector", s.connector);
  m.Field("variable", s.variable);
  m.Field("variable_instance", s.variable_instance);
  m.Field("attribute", s.attribute, Need::kOptional);
  m.Field("value", s.value);
}

}  // namespace

void ReadVariant(const YAML::Node& root, Issues& issues, Variant& v) {
  MapReader::Read(root, "", issues, [&v](MapReader& m) {
    m.Field("name", v.name);
    m.Field("vendor_name", v.vendor_name);
    m.Field("model", v.model);
    m.Field("description", v.description, Need::kOptional);
    m.Field("hardware_revisions", v.hardware_revisions);
    m.MapList("evses", Need::kRequired,
              [&v](MapReader& em, std::size_t) { ReadEvse(em, v.evses.emplace_back()); });
    m.Map("limits", Need::kRequired, [&v](MapReader& lm) { ReadLimits(lm, v.limits); });
    m.Field("features", v.features, Need::kOptional);
    m.Map("logging", Need::kRequired, [&v](MapReader& lm) {
      lm.Field("level", v.logging.level);
      lm.Field("diagnostics_upload", v.logging.diagnostics_upload);
      lm.Field("retention_days", v.logging.retention_days);
    });
    m.Map("time_sync", Need::kRequired, [&v](MapReader& tm) {
      tm.Field("source", v.time_sync.source);
      tm.Field("time_zone", v.time_sync.time_zone);
      tm.Field("sync_interval_s", v.time_sync.sync_interval_s);
    });
    m.MapList("device_model", Need::kOptional,
              [&v](MapReader& dm, std::size_t) { ReadSetting(dm, v.device_model.emplace_back()); });
    m.MapList("field_parameters", Need::kOptional, [&v](MapReader& fm, std::size_t) {
      FieldParameter& p = v.field_parameters.emplace_back();
      fm.Field("name", p.name);
      fm.Field("description", p.description, Need::kOptional);
    });
    m.Map("naming", Need::kRequired, [&v](MapReader& nm) {
      nm.Field("prefix", v.naming.prefix, Need::kOptional);
      nm.Field("serial_pattern", v.naming.serial_pattern);
      nm.Field("charger_id_pattern", v.naming.charger_id_pattern);
      nm.Field("gap_free", v.naming.gap_free, Need::kOptional);
    });
    m.Map("serial_variable", Need::kOptional, [&v](MapReader& sm) {
      SerialVariable& s = v.serial_variable.emplace();
      sm.Field("component", s.component);
      sm.Field("variable", s.variable);
    });
    m.Map("firmware", Need::kRequired, [&v](MapReader& fm) {
      fm.Field("version", v.firmware.version);
      fm.Field("release", v.firmware.release, Need::kOptional);
    });
  });
}

}  // namespace evprov::catalog
