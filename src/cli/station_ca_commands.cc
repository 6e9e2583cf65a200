// evprov ca init-station | server-cert: the station's own TLS identity
// (docs/admission.md).
#include <filesystem>

#include "cli/command.h"
#include "cli/secret_files.h"
#include "evprov/pki/station_tls.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

struct InitStationArgs {
  std::string name = "station", organization = "evprov station";
  CaKeyArgs keys;
};

void AddInitStation(CLI::App* group, Context& ctx) {
  auto a = std::make_shared<InitStationArgs>();
  auto* cmd = group->add_subcommand(
      "init-station",
      "Create the station CA (root + issuing) for the station's TLS server certificates");
  cmd->add_option("--name", a->name, "CA names NAME-root and NAME-issuing (default station)");
  cmd->add_option("--organization", a->organization, "Subject O of the CAs");
  AddCaKeyOptions(cmd, a->keys);
  cmd->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    pki::StationCaOptions options;
    options.name = a->name;
    options.organization = a->organization;
    EVPROV_TRY(ResolveCaKeys(ctx, a->keys, a->name, &options.root, &options.issuing));
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto cas, pki::InitStationCa(tx, options, ctx.actor));
          return RowsOf(cas, CaRow);
        }));
    PrintListing(ctx, {"name", "role", "backend", "key", "not_after"}, out);
    return Status::Ok();
  }));
}

struct ServerCertArgs {
  std::vector<std::string> hosts, ips;
  std::string out_dir, ca = "station-issuing", algorithm = "ec-p256";
};

void AddServerCert(CLI::App* group, Context& ctx) {
  auto a = std::make_shared<ServerCertArgs>();
  auto* cmd = group->add_subcommand(
      "server-cert",
      "Issue the station's TLS server certificate: DIR/chain.pem, key.pem (0600), root.pem");
  cmd->add_option("--host", a->hosts, "Host name the chargers are given (SAN DNS; repeatable)");
  cmd->add_option("--ip", a->ips, "IP address the chargers are given (SAN IP; repeatable)");
  cmd->add_option("--out-dir", a->out_dir, "Directory for the files (created)")->required();
  cmd->add_option("--ca", a->ca, "Station issuing CA (default station-issuing)");
  cmd->add_option("--algorithm", a->algorithm, "Server key: ec-p256 | ec-p384 | rsa-3072");
  cmd->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    pki::StationServerCertRequest request;
    request.ca_name = a->ca;
    request.dns_names = a->hosts;
    request.ip_addresses = a->ips;
    EVPROV_ASSIGN_OR_RETURN(request.algorithm, pki::ParseKeyAlgorithm(a->algorithm));
    std::error_code ec;
    std::filesystem::create_directories(a->out_dir, ec);
    if (ec) return Status::InvalidArgument("--out-dir: " + a->out_dir + ": " + ec.message());
    // Created before the certificate is recorded; removed if anything fails.
    EVPROV_ASSIGN_OR_RETURN(auto key_file, SecretFile::Create(a->out_dir + "/key.pem"));
    EVPROV_ASSIGN_OR_RETURN(auto chain_file, SecretFile::Create(a->out_dir + "/chain.pem"));
    EVPROV_ASSIGN_OR_RETURN(auto root_file, SecretFile::Create(a->out_dir + "/root.pem"));
    std::optional<pki::StationServerCert> issued;
    EVPROV_TRY(WithTx(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(issued, pki::IssueStationServerCertificate(tx, request, ctx.actor));
      return Status::Ok();
    }));
    EVPROV_TRY(key_file->Finish(issued->key_pem.reveal()));
    EVPROV_TRY(chain_file->Finish(issued->certificate.chain_pem));
    EVPROV_TRY(root_file->Finish(issued->root_pem));
    // Public files need not be private.
    std::filesystem::permissions(
        chain_file->path(),
        std::filesystem::perms::group_read | std::filesystem::perms::others_read,
        std::filesystem::perm_options::add, ec);
    std::filesystem::permissions(
        root_file->path(), std::filesystem::perms::group_read | std::filesystem::perms::others_read,
        std::filesystem::perm_options::add, ec);
    PrintObject(ctx, {{"serial", issued->certificate.serial_hex},
                      {"subject", issued->certificate.subject},
                      {"not_after", issued->certificate.not_after},
                      {"chain", chain_file->path()},
                      {"key", key_file->path()},
                      {"root", root_file->path()}});
    return Status::Ok();
  }));
}

}  // namespace

void RegisterStationCaCommands(CLI::App* ca_group, Context& ctx) {
  AddInitStation(ca_group, ctx);
  AddServerCert(ca_group, ctx);
}

}  // namespace evprov::cli
