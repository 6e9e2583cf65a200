#include "cli/station_runner.h"

namespace evprov::cli {

Result<RunningStation> StartStation(const ServeConfig& c, store::Store& store,
                                    std::function<void(const pipeline::UnitOutcome&)> finished) {
  RunningStation out;
  EVPROV_ASSIGN_OR_RETURN(auto secret, pki::StationSecret::Load(c.station_secret_file));
  out.secret = std::make_unique<pki::StationSecret>(std::move(secret));
  pipeline::StationOptions o;
  o.store = &store;
  o.secret = out.secret.get();
  o.host = c.host_name;
  o.bind_address = c.listen_address;
  o.tls_chain_file = c.tls_chain_file;
  o.tls_key_file = c.tls_key_file;
  o.station_root_file = c.tls_root_file;
  o.manufacturer_ca_file = c.manufacturer_ca_file;
  o.factory_port = static_cast<std::uint16_t>(c.factory_bootstrap_port);
  o.idevid_port = static_cast<std::uint16_t>(c.factory_idevid_port);
  for (const auto& v : c.validation) {
    o.environments.push_back(v.environment);
    o.validation_ports[v.environment] = static_cast<std::uint16_t>(v.port);
  }
  o.threads = c.threads;
  o.actor = c.actor;
  o.on_unit_finished = std::move(finished);
  out.station = std::make_unique<pipeline::Station>(std::move(o));
  EVPROV_TRY(out.station->Start());
  return out;
}

}  // namespace evprov::cli
