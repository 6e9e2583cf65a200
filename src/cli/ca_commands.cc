// evprov ca init|show|crl (init-station, server-cert: station_ca_commands.cc)
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "evprov/catalog/repository.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/issuance.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

struct InitArgs {
  std::string env;
  CaKeyArgs keys;
  int leaf_days = 0;
};

void AddInit(CLI::App* group, Context& ctx) {
  auto a = std::make_shared<InitArgs>();
  auto* init = group->add_subcommand(
      "init", "Create the root and issuing CA of an environment (file keys or an HSM)");
  init->add_option("--env", a->env, "Environment name")->required();
  AddCaKeyOptions(init, a->keys);
  init->add_option("--leaf-days", a->leaf_days, "Validity of charger certificates in days")
      ->check(CLI::Range(1, 36500));
  init->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    pki::CaInitOptions options;
    EVPROV_TRY(ResolveCaKeys(ctx, a->keys, a->env, &options.root, &options.issuing));
    if (a->leaf_days > 0) options.leaf_validity_days = a->leaf_days;
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto env, catalog::GetEnvironment(tx, a->env));
          EVPROV_ASSIGN_OR_RETURN(auto cas, pki::InitCa(tx, env, options, ctx.actor));
          return RowsOf(cas, CaRow);
        }));
    PrintListing(ctx, {"name", "role", "environment", "backend", "key", "not_after"}, out);
    return Status::Ok();
  }));
}

void AddShow(CLI::App* group, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto chain = std::make_shared<bool>(false);
  auto* show = group->add_subcommand("show", "List the CAs, or show one (--chain: its PEM chain)");
  show->add_option("name", *name, "CA name");
  show->add_flag("--chain", *chain, "Print the CA's chain as PEM (CA first, root last)");
  show->callback(Run(ctx, [&ctx, name, chain]() -> Status {
    if (name->empty()) {
      EVPROV_ASSIGN_OR_RETURN(
          auto out,
          FetchJson(ctx, store::TxMode::kRead, [](store::Transaction& tx) -> Result<ordered_json> {
            EVPROV_ASSIGN_OR_RETURN(auto cas, pki::ListCas(tx));
            return RowsOf(cas, CaRow);
          }));
      PrintListing(ctx, {"name", "role", "environment", "kind", "backend", "not_after"}, out);
      return Status::Ok();
    }
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto ca, pki::GetCa(tx, *name));
          ordered_json row = CaRow(ca);
          if (*chain) {
            EVPROV_ASSIGN_OR_RETURN(auto pem, pki::ExportChainPem(tx, *name));
            row["chain_pem"] = pem;
          }
          return row;
        }));
    if (*chain && !ctx.json) {
      std::cout << out["chain_pem"].get<std::string>();
      return Status::Ok();
    }
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

void AddCrl(CLI::App* group, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto out_file = std::make_shared<std::string>();
  auto* crl = group->add_subcommand("crl", "Issue the next CRL of a CA (PEM)");
  crl->add_option("name", *name, "CA name")->required();
  crl->add_option("--out", *out_file, "Write the CRL to this file instead of stdout");
  crl->callback(Run(ctx, [&ctx, name, out_file]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    std::string pem;
    EVPROV_TRY(WithTx(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Status {
      EVPROV_ASSIGN_OR_RETURN(auto ca, pki::IssuingCa::OpenByName(tx, *name));
      EVPROV_ASSIGN_OR_RETURN(pem, pki::GenerateCrl(tx, *ca, ctx.actor));
      return Status::Ok();
    }));
    if (out_file->empty()) {
      std::cout << pem;
      return Status::Ok();
    }
    std::ofstream f(*out_file);
    f << pem;
    if (!f.flush()) return Status::InvalidArgument("--out: cannot write " + *out_file);
    return Status::Ok();
  }));
}

std::string DefaultKeyDir(const Context& ctx) {
  std::string path = ctx.store_url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  auto parent = std::filesystem::path(path).parent_path();
  return (parent.empty() ? std::filesystem::path(".") : parent).append("ca-keys").string();
}

Result<pki::KeySpec> KeyFor(const std::string& locator, const std::string& default_path,
                            const pki::SecretSource& secret) {
  pki::KeySpec spec;
  if (locator.empty()) {
    spec.path = default_path;
  } else {
    EVPROV_ASSIGN_OR_RETURN(spec, pki::KeySpec::ParseLocator(locator));
  }
  spec.secret = secret;
  return spec;
}

}  // namespace

ordered_json CaRow(const pki::CaInfo& ca) {
  return {{"name", ca.name},
          {"environment", ca.environment},
          {"kind", ca.environment_kind},
          {"role", pki::CaRoleName(ca.role)},
          {"parent", ca.parent.empty() ? ordered_json() : ordered_json(ca.parent)},
          {"backend", pki::KeyBackendName(ca.backend)},
          {"key", ca.key_locator},
          {"secret", ca.secret_source},
          {"subject", ca.subject},
          {"serial", ca.serial_hex},
          {"not_before", ca.not_before},
          {"not_after", ca.not_after}};
}

void AddCaKeyOptions(CLI::App* cmd, CaKeyArgs& args) {
  cmd->add_option("--secret", args.secret,
                  "Where the key passphrase / token PIN is: env:VAR or file:PATH")
      ->required();
  cmd->add_option("--root-key", args.root_key,
                  "Root key: file:PATH or pkcs11:token=T;object=O (default: a new file)");
  cmd->add_option("--issuing-key", args.issuing_key, "Issuing CA key, as --root-key");
  cmd->add_option("--key-dir", args.key_dir,
                  "Directory for new file keys (default: beside the store)");
  cmd->add_option("--algorithm", args.algorithm, "New file keys: ec-p256 | ec-p384 | rsa-3072");
}

Status ResolveCaKeys(const Context& ctx, const CaKeyArgs& args, const std::string& name,
                     pki::CaKeyOptions* root, pki::CaKeyOptions* issuing) {
  EVPROV_ASSIGN_OR_RETURN(auto secret, pki::SecretSource::Parse(args.secret));
  EVPROV_ASSIGN_OR_RETURN(auto algorithm, pki::ParseKeyAlgorithm(args.algorithm));
  std::string dir = args.key_dir.empty() ? DefaultKeyDir(ctx) : args.key_dir;
  EVPROV_ASSIGN_OR_RETURN(root->key,
                          KeyFor(args.root_key, dir + "/" + name + "-root.key.pem", secret));
  EVPROV_ASSIGN_OR_RETURN(issuing->key,
                          KeyFor(args.issuing_key, dir + "/" + name + "-issuing.key.pem", secret));
  root->algorithm = issuing->algorithm = algorithm;
  if (root->key.backend == pki::KeyBackend::kFile ||
      issuing->key.backend == pki::KeyBackend::kFile) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::InvalidArgument("--key-dir: " + dir + ": " + ec.message());
  }
  return Status::Ok();
}

void RegisterCaCommands(CLI::App& app, Context& ctx) {
  auto* group =
      app.add_subcommand("ca", "Certificate authorities: one root and issuing CA per environment");
  group->require_subcommand(1);
  AddInit(group, ctx);
  AddShow(group, ctx);
  AddCrl(group, ctx);
  RegisterStationCaCommands(group, ctx);
}

}  // namespace evprov::cli
