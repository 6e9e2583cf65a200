// evprov variant import|list|show|approve, env import|list|show, order create|list|show
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "evprov/catalog/json.h"
#include "evprov/catalog/loader.h"
#include "evprov/catalog/repository.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

// "name@3" -> {name, 3}; "name" -> {name, 0} (latest) when allow_latest.
Result<std::pair<std::string, int>> ParseVariantRef(const std::string& ref, bool allow_latest) {
  auto at = ref.find('@');
  if (at == std::string::npos) {
    if (allow_latest && !ref.empty()) return std::make_pair(ref, 0);
    return Status::InvalidArgument("variant: '" + ref + "' must be NAME@VERSION");
  }
  std::string name = ref.substr(0, at), digits = ref.substr(at + 1);
  if (name.empty() || digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos || std::stoi(digits) < 1) {
    return Status::InvalidArgument("variant: '" + ref + "' must be NAME@VERSION with VERSION >= 1");
  }
  return std::make_pair(name, std::stoi(digits));
}

ordered_json VariantRow(const catalog::VariantRecord& r) {
  return {{"name", r.name},
          {"version", r.version},
          {"status", catalog::VariantStatusName(r.status)},
          {"author", r.author},
          {"approver", r.approver ? ordered_json(*r.approver) : ordered_json()},
          {"created_at", r.created_at},
          {"approved_at", r.approved_at ? ordered_json(*r.approved_at) : ordered_json()},
          {"sha256", r.content_sha256},
          {"source", r.source}};
}

// `import FILES...`: every file is loaded and validated first, then all are
// imported in one transaction, so a bad file imports nothing.
template <typename T>
void AddImport(
    CLI::App* group, Context& ctx, const std::string& help, const std::string& what,
    std::vector<std::string> columns, Result<T> (*load)(const std::string&),
    std::function<Result<ordered_json>(store::Transaction&, const T&, const std::string&)> import) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = group->add_subcommand("import", help);
  cmd->add_option("files", *files, what)->required()->check(CLI::ExistingFile);
  cmd->callback(Run(
      ctx,
      [&ctx, files, columns = std::move(columns), load, import = std::move(import)]() -> Status {
        EVPROV_TRY(RequireActor(ctx));
        std::vector<T> docs;
        for (const auto& f : *files) {
          EVPROV_ASSIGN_OR_RETURN(auto doc, load(f));
          docs.push_back(std::move(doc));
        }
        ordered_json out;
        EVPROV_TRY(WithTx(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Status {
          out = ordered_json::array();
          for (std::size_t i = 0; i < docs.size(); ++i) {
            EVPROV_ASSIGN_OR_RETURN(auto row, import(tx, docs[i], (*files)[i]));
            out.push_back(std::move(row));
          }
          return Status::Ok();
        }));
        PrintListing(ctx, columns, out);
        return Status::Ok();
      }));
}

void RegisterVariantCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand(
      "variant", "Product variants (recipes): versioned, approved by a second person");
  group->require_subcommand(1);

  AddImport<catalog::Variant>(
      group, ctx, "Import variant YAML files (all or nothing); a change makes a new version",
      "Variant YAML files", {"name", "version", "status", "author", "sha256"},
      catalog::LoadVariantFile,
      [&ctx](store::Transaction& tx, const catalog::Variant& v,
             const std::string& file) -> Result<ordered_json> {
        EVPROV_ASSIGN_OR_RETURN(int version, catalog::ImportVariant(tx, v, file, ctx.actor));
        EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetVariantRecord(tx, v.name, version));
        return VariantRow(rec);
      });

  AddListing(group, ctx, "list", "List every version of every variant",
             {"name", "version", "status", "author", "approver", "created_at"},
             [](store::Transaction& tx) -> Result<ordered_json> {
               EVPROV_ASSIGN_OR_RETURN(auto records, catalog::ListVariants(tx));
               return RowsOf(records, VariantRow);
             });

  auto show_ref = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show a variant version (NAME = latest)");
  show->add_option("variant", *show_ref, "NAME or NAME@VERSION")->required();
  show->callback(Run(ctx, [&ctx, show_ref]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(auto ref, ParseVariantRef(*show_ref, /*allow_latest=*/true));
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetVariantRecord(tx, ref.first, ref.second));
          EVPROV_ASSIGN_OR_RETURN(auto variant, catalog::GetVariant(tx, ref.first, rec.version));
          ordered_json row = VariantRow(rec);
          row["document"] = ordered_json::parse(catalog::ToJson(variant));
          return row;
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));

  auto approve_ref = std::make_shared<std::string>();
  auto* approve = group->add_subcommand(
      "approve", "Approve a variant version (the approver must not be its author)");
  approve->add_option("variant", *approve_ref, "NAME@VERSION")->required();
  approve->callback(Run(ctx, [&ctx, approve_ref]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    EVPROV_ASSIGN_OR_RETURN(auto ref, ParseVariantRef(*approve_ref, /*allow_latest=*/false));
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_TRY(catalog::ApproveVariant(tx, ref.first, ref.second, ctx.actor));
          EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetVariantRecord(tx, ref.first, ref.second));
          return VariantRow(rec);
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}  // namespace

ordered_json EnvironmentRow(const catalog::EnvironmentRecord& r) {
  return {{"name", r.name},
          {"kind", r.kind},
          {"updated_by", r.updated_by},
          {"updated_at", r.updated_at},
          {"sha256", r.content_sha256},
          {"source", r.source}};
}

void RegisterEnvCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("env", "Environments: endpoints, security profile, CA, APN");
  group->require_subcommand(1);

  AddImport<catalog::Environment>(
      group, ctx, "Import environment YAML files (all or nothing)", "Environment YAML files",
      {"name", "kind", "outcome"}, catalog::LoadEnvironmentFile,
      [&ctx](store::Transaction& tx, const catalog::Environment& env,
             const std::string& file) -> Result<ordered_json> {
        EVPROV_ASSIGN_OR_RETURN(auto outcome, catalog::ImportEnvironment(tx, env, file, ctx.actor));
        return ordered_json{{"name", env.name},
                            {"kind", env.kind},
                            {"outcome", catalog::ImportOutcomeName(outcome)}};
      });

  AddListing(group, ctx, "list", "List environments", {"name", "kind", "updated_by", "updated_at"},
             [](store::Transaction& tx) -> Result<ordered_json> {
               EVPROV_ASSIGN_OR_RETURN(auto records, catalog::ListEnvironments(tx));
               return RowsOf(records, EnvironmentRow);
             });

  auto name = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show an environment");
  show->add_option("name", *name, "Environment name")->required();
  show->callback(Run(ctx, [&ctx, name]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto env, catalog::GetEnvironment(tx, *name));
          return ordered_json::parse(catalog::ToJson(env));
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}  // namespace evprov::cli

ordered_json OrderRow(const catalog::WorkOrderRecord& r) {
  const auto& o = r.order;
  return {{"id", o.id},
          {"variant", o.variant_name + "@" + std::to_string(o.variant_version)},
          {"environment", o.environment},
          {"quantity", o.quantity},
          {"customer", o.customer},
          {"site_group", o.site_group},
          {"tariff", o.tariff},
          {"status", r.status},
          {"created_by", r.created_by},
          {"created_at", r.created_at}};
}

void RegisterOrderCommands(CLI::App& app, Context& ctx) {
  auto* group =
      app.add_subcommand("order", "Work orders: variant@version x environment x quantity");
  group->require_subcommand(1);

  struct CreateArgs {
    std::string file, id, variant, environment, customer, site_group, tariff;
    int quantity = 0;
  };
  auto args = std::make_shared<CreateArgs>();
  auto* create =
      group->add_subcommand("create", "Create a work order from a YAML file or from flags");
  auto* file_opt =
      create->add_option("--file", args->file, "Work order YAML file")->check(CLI::ExistingFile);
  auto* id_opt = create->add_option("--id", args->id, "Work order id, e.g. WO-2026-0042");
  create->add_option("--variant", args->variant, "NAME@VERSION");
  create->add_option("--env", args->environment, "Environment name");
  create->add_option("--quantity", args->quantity, "Number of units");
  create->add_option("--customer", args->customer, "Customer / operator account");
  create->add_option("--site-group", args->site_group, "Site group");
  create->add_option("--tariff", args->tariff, "Tariff placeholder");
  file_opt->excludes(id_opt);
  create->callback(Run(ctx, [&ctx, args]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    catalog::WorkOrder order;
    if (!args->file.empty()) {
      EVPROV_ASSIGN_OR_RETURN(order, catalog::LoadWorkOrderFile(args->file));
    } else {
      if (args->id.empty()) return Status::InvalidArgument("--id: required (or give --file)");
      EVPROV_ASSIGN_OR_RETURN(auto ref, ParseVariantRef(args->variant, /*allow_latest=*/false));
      order.id = args->id;
      order.variant_name = ref.first;
      order.variant_version = ref.second;
      order.environment = args->environment;
      order.quantity = args->quantity;
      order.customer = args->customer;
      order.site_group = args->site_group;
      order.tariff = args->tariff;
      EVPROV_TRY(catalog::ValidateWorkOrder(order));
    }
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_TRY(catalog::CreateWorkOrder(tx, order, ctx.actor));
          EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetWorkOrder(tx, order.id));
          return OrderRow(rec);
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));

  AddListing(group, ctx, "list", "List work orders",
             {"id", "variant", "environment", "quantity", "customer", "status"},
             [](store::Transaction& tx) -> Result<ordered_json> {
               EVPROV_ASSIGN_OR_RETURN(auto records, catalog::ListWorkOrders(tx));
               return RowsOf(records, OrderRow);
             });

  auto id = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show a work order");
  show->add_option("id", *id, "Work order id")->required();
  show->callback(Run(ctx, [&ctx, id]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto rec, catalog::GetWorkOrder(tx, *id));
          return OrderRow(rec);
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

}  // namespace

void RegisterCatalogCommands(CLI::App& app, Context& ctx) {
  RegisterVariantCommands(app, ctx);
  RegisterEnvCommands(app, ctx);
  RegisterOrderCommands(app, ctx);
}

}  // namespace evprov::cli
