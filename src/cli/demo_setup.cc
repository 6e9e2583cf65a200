#include "cli/demo_setup.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/demo_pki.h"
#include "evprov/catalog/loader.h"
#include "evprov/cli/cli.h"

namespace evprov::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kEngineer[] = "eva.engineer";
constexpr char kApprover[] = "otto.approver";
constexpr char kSecurity[] = "sam.security";
constexpr char kOperator[] = "lina.operator";

// Runs one evprov command in this process with its output captured; on
// failure the command's own error line is the error.
class CommandRunner {
 public:
  CommandRunner(std::string store_url, const std::function<void(std::string)>& say)
      : store_url_(std::move(store_url)), say_(say) {}

  Status Run(const std::string& actor, std::vector<std::string> args) {
    std::string shown = "$ evprov";
    for (const auto& a : args)
      shown += " " + (a.find_first_of("; ") == std::string::npos ? a : "'" + a + "'");
    say_(shown);
    args.insert(args.begin(), {"evprov", "--store", store_url_, "--actor", actor});
    CapturedRun run = RunCapturing(&cli::Main, std::move(args));
    if (run.exit_code != 0) {
      return Status::FailedPrecondition("demo: " + shown + " failed: " + run.err);
    }
    return Status::Ok();
  }

 private:
  std::string store_url_;
  const std::function<void(std::string)>& say_;
};

// A port that was free a moment ago (bound to port 0, then released). The
// station binds it again at start; a collision in between is possible but
// unlikely on a quiet loopback, and fails loudly at bind.
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable("demo: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port <= 0) return Status::Unavailable("demo: no free port on 127.0.0.1");
  return port;
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  if (!f.flush()) return Status::Unavailable("demo: cannot write " + path);
  return Status::Ok();
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("demo: cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

struct OrderPlan {
  std::string environment;
  std::string variant;
  std::string order_id;
  std::string prefix;
  int count = 0;
};

// The station's configuration: the ports are fixed now so that a restarted
// station (the crash tests) is found where the chargers were told it is.
Result<std::string> StationConfig(const DemoPlan& plan, const std::vector<OrderPlan>& orders,
                                  int* factory_port) {
  EVPROV_ASSIGN_OR_RETURN(*factory_port, FreePort());
  std::string text =
      "store: sqlite:evprov.db\nstation_secret_file: station.secret\nhost_name: " + plan.host +
      "\ntls:\n  chain_file: tls/chain.pem\n  key_file: tls/key.pem\n"
      "  root_file: tls/root.pem\nfactory:\n  bootstrap_port: " +
      std::to_string(*factory_port) + "\nvalidation:\n";
  for (const auto& o : orders) {
    EVPROV_ASSIGN_OR_RETURN(int port, FreePort());
    text += "  - environment: " + o.environment + "\n    port: " + std::to_string(port) + "\n";
  }
  return text + "actor: station-demo\n";
}

// The orders' manifests are concatenated into one (one header).
Status JoinManifests(const std::vector<std::string>& parts, const std::string& path) {
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EVPROV_ASSIGN_OR_RETURN(std::string text, ReadText(parts[i]));
    if (i > 0) text.erase(0, text.find('\n') + 1);
    joined += text;
    std::error_code ec;
    fs::remove(parts[i], ec);
  }
  EVPROV_TRY(WriteText(path, joined));
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return Status::Ok();
}

std::vector<OrderPlan> PlanOrders(const DemoPlan& plan) {
  std::vector<OrderPlan> orders;
  const bool staging = plan.environments != "production";
  const bool production = plan.environments != "staging";
  int staging_count = staging && production ? (plan.units + 1) / 2 : (staging ? plan.units : 0);
  int production_count = plan.units - staging_count;
  if (staging) orders.push_back({"staging", "wallbox-ac22", "DEMO-STAGING", "HW-S", staging_count});
  if (production) {
    orders.push_back({"production", "dc150", "DEMO-PRODUCTION", "HW-P", production_count});
  }
  return orders;
}

}  // namespace

Result<DemoFiles> PrepareDemo(const DemoPlan& plan, const std::function<void(std::string)>& say) {
  if (plan.environments != "both" && plan.environments != "staging" &&
      plan.environments != "production") {
    return Status::InvalidArgument("--env: must be staging, production or both (got '" +
                                   plan.environments + "')");
  }
  DemoFiles files;
  files.dir = fs::absolute(plan.dir).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(files.dir, ec);
  if (ec) return Status::Unavailable("demo: cannot create " + files.dir + ": " + ec.message());
  files.store_url = "sqlite:" + files.dir + "/evprov.db";
  if (fs::exists(files.dir + "/evprov.db")) {
    return Status::AlreadyExists("demo: " + files.dir + " already holds a store; use a new --dir");
  }
  const std::vector<OrderPlan> orders = PlanOrders(plan);
  const std::string& d = files.dir;
  const std::string variants = plan.catalog + "/variants/";
  CommandRunner evprov(files.store_url, say);

  EVPROV_ASSIGN_OR_RETURN(DemoKeys keys, PrepareDemoKeys(d));
  EVPROV_TRY(evprov.Run(kOperator, {"init"}));
  EVPROV_TRY(evprov.Run(kEngineer, {"env", "import", plan.catalog + "/environments/staging.yaml",
                                    plan.catalog + "/environments/production.yaml"}));
  for (const auto& o : orders) {
    EVPROV_TRY(evprov.Run(kEngineer, {"variant", "import", variants + o.variant + ".yaml"}));
    EVPROV_TRY(evprov.Run(kApprover, {"variant", "approve", o.variant + "@1"}));
    EVPROV_TRY(evprov.Run(
        kOperator, {"order", "create", "--id", o.order_id, "--variant", o.variant + "@1", "--env",
                    o.environment, "--quantity", std::to_string(std::max(o.count, 1)), "--customer",
                    "Demo Charging Co"}));
  }
  const std::string file_secret = "file:" + keys.file_secret;
  const std::string hsm_secret = "file:" + keys.hsm_pin;
  for (const auto& o : orders) {
    if (o.environment == "staging") {
      EVPROV_TRY(evprov.Run(kSecurity, {"ca", "init", "--env", "staging", "--secret", file_secret,
                                        "--key-dir", d + "/keys"}));
    } else {
      EVPROV_TRY(evprov.Run(kSecurity, {"ca", "init", "--env", "production", "--secret", hsm_secret,
                                        "--root-key", keys.production_root.Locator(),
                                        "--issuing-key", keys.production_issuing.Locator()}));
    }
  }
  EVPROV_TRY(evprov.Run(kSecurity,
                        {"ca", "init-station", "--secret", file_secret, "--key-dir", d + "/keys"}));
  EVPROV_TRY(evprov.Run(kSecurity, {"ca", "server-cert", "--host", plan.host, "--ip", "127.0.0.1",
                                    "--out-dir", d + "/tls"}));
  std::vector<std::string> manifests;
  for (const auto& o : orders) {
    if (o.count == 0) continue;
    EVPROV_ASSIGN_OR_RETURN(auto variant, catalog::LoadVariantFile(variants + o.variant + ".yaml"));
    const std::string part = d + "/manifest-" + o.environment + ".csv";
    std::vector<std::string> args = {"unit",
                                     "register-batch",
                                     "--order",
                                     o.order_id,
                                     "--count",
                                     std::to_string(o.count),
                                     "--revision",
                                     variant.hardware_revisions.front(),
                                     "--hardware-id-prefix",
                                     o.prefix + "-",
                                     "--manifest",
                                     part,
                                     "--variant-file",
                                     variants + o.variant + ".yaml"};
    if (!plan.faults.empty()) args.insert(args.end(), {"--faults", plan.faults});
    EVPROV_TRY(evprov.Run(kOperator, args));
    manifests.push_back(part);
    (o.environment == "staging" ? files.staging_units : files.production_units) = o.count;
  }
  files.manifest_file = d + "/manifest.csv";
  EVPROV_TRY(JoinManifests(manifests, files.manifest_file));
  int factory_port = 0;
  EVPROV_ASSIGN_OR_RETURN(std::string config, StationConfig(plan, orders, &factory_port));
  files.config_file = d + "/station.yaml";
  EVPROV_TRY(WriteText(files.config_file, config));
  files.trust_file = d + "/tls/root.pem";
  files.softhsm_conf = keys.softhsm_conf;
  files.factory_url = "wss://" + plan.host + ":" + std::to_string(factory_port) + "/ocpp";
  return files;
}

}  // namespace evprov::cli
