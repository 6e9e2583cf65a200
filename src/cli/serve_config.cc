#include "cli/serve_config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "catalog/yaml_reader.h"

namespace evprov::cli {
namespace {

using catalog::Issues;
using catalog::MapReader;
using catalog::Need;

constexpr std::size_t kMaxConfigBytes = std::size_t{64} * 1024;

void CheckPort(Issues& issues, std::string_view path, int port) {
  catalog::CheckRange(issues, path, port, {.lo = 0, .hi = 65535});
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

void ReadConfig(const YAML::Node& root, Issues& issues, ServeConfig& c) {
  MapReader::Read(root, "", issues, [&](MapReader& r) {
    r.Field("store", c.store, Need::kOptional);
    r.Field("station_secret_file", c.station_secret_file);
    r.Field("host_name", c.host_name);
    r.Field("listen_address", c.listen_address, Need::kOptional);
    r.Map("tls", Need::kRequired, [&](MapReader& t) {
      t.Field("chain_file", c.tls_chain_file);
      t.Field("key_file", c.tls_key_file);
      t.Field("root_file", c.tls_root_file);
    });
    r.Field("manufacturer_ca_file", c.manufacturer_ca_file, Need::kOptional);
    r.Map("factory", Need::kRequired, [&](MapReader& f) {
      f.Field("bootstrap_port", c.factory_bootstrap_port, Need::kOptional);
      f.Field("idevid_port", c.factory_idevid_port, Need::kOptional);
    });
    r.MapList("validation", Need::kRequired, [&](MapReader& v, std::size_t) {
      ValidationListenerConfig l;
      v.Field("environment", l.environment);
      v.Field("port", l.port, Need::kOptional);
      c.validation.push_back(std::move(l));
    });
    r.Field("threads", c.threads, Need::kOptional);
    r.Field("actor", c.actor, Need::kOptional);
    r.Field("ports_file", c.ports_file, Need::kOptional);
  });
}

void CheckConfig(const ServeConfig& c, Issues& issues) {
  if (c.store.empty()) issues.Add("store", "required (in the file or as --store)");
  if (c.host_name.empty()) issues.Add("host_name", "required");
  catalog::CheckLength(issues, "host_name", c.host_name, 1, 253);
  CheckPort(issues, "factory.bootstrap_port", c.factory_bootstrap_port);
  CheckPort(issues, "factory.idevid_port", c.factory_idevid_port);
  if (c.factory_idevid_port != 0 && c.manufacturer_ca_file.empty()) {
    issues.Add("factory.idevid_port", "needs manufacturer_ca_file (the IDevID trust anchors)");
  }
  if (c.validation.empty()) issues.Add("validation", "at least one environment is required");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.validation.size(); ++i) {
    const auto path = catalog::Index("validation", i);
    CheckPort(issues, catalog::Join(path, "port"), c.validation[i].port);
    if (!seen.insert(c.validation[i].environment).second) {
      issues.Add(catalog::Join(path, "environment"),
                 "'" + c.validation[i].environment + "' is listed twice");
    }
  }
  catalog::CheckRange(issues, "threads", c.threads, {.lo = 1, .hi = 64});
  if (c.actor.empty()) issues.Add("actor", "must not be empty");
}

}  // namespace

Result<ServeConfig> LoadServeConfigFromString(const std::string& text, const std::string& source,
                                              const std::string& base_dir) {
  Issues issues;
  ServeConfig c;
  if (auto root = catalog::ParseYaml(text, issues)) ReadConfig(*root, issues, c);
  EVPROV_TRY(issues.ToStatus(source));
  for (auto* path : {&c.station_secret_file, &c.tls_chain_file, &c.tls_key_file, &c.tls_root_file,
                     &c.manufacturer_ca_file, &c.ports_file}) {
    *path = Resolve(base_dir, *path);
  }
  if (c.store.starts_with("sqlite:")) {
    c.store = "sqlite:" + Resolve(base_dir, c.store.substr(7));
  }
  return c;
}

Result<ServeConfig> LoadServeConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxConfigBytes) {
    return Status::InvalidArgument(path + ": larger than " + std::to_string(kMaxConfigBytes) +
                                   " bytes");
  }
  return LoadServeConfigFromString(text.str(), path,
                                   std::filesystem::path(path).parent_path().string());
}

Status CheckServeConfig(const ServeConfig& config) {
  Issues issues;
  CheckConfig(config, issues);
  return issues.ToStatus("serve");
}

}  // namespace evprov::cli
