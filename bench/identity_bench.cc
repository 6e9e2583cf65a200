// Identity throughput: pattern rendering, and the identity step's writes
// (register a unit, allocate serial and charger ID, assign 2x2 connectors) in
// one SQLite transaction, with synchronous=FULL (arg 1) and NORMAL (arg 0).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "evprov/common/log.h"
#include "evprov/identity/allocator.h"
#include "evprov/identity/connectors.h"
#include "evprov/identity/naming.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"

namespace {

using namespace evprov;

catalog::NamingConvention Naming() {
  catalog::NamingConvention n;
  n.prefix = "EVB";
  n.serial_pattern = "{prefix}-{yy}{ww}-{seq:06}";
  n.charger_id_pattern = "CP-{serial}";
  return n;
}

catalog::Variant TwoByTwo() {
  catalog::Variant v;
  for (int e = 1; e <= 2; ++e) {
    catalog::Evse evse;
    evse.id = e;
    for (int c = 1; c <= 2; ++c) {
      catalog::Connector connector;
      connector.id = c;
      connector.type = "cCCS2";
      connector.label = "${charger_id} ${evse}/${connector}";
      evse.connectors.push_back(connector);
    }
    v.evses.push_back(evse);
  }
  return v;
}

void BM_RenderSerial(benchmark::State& state) {
  auto pattern = identity::ParseNamingPattern("{prefix}-{yy}{ww}-{seq:06}");
  identity::NamingContext context;
  context.prefix = "EVB";
  context.date = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  for (auto _ : state) {
    context.seq = context.seq % 999999 + 1;
    auto value = identity::Render(*pattern, context);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderSerial);

void BM_IdentityStep(benchmark::State& state) {
  auto previous = log::SetSink(nullptr);
  std::string dir = (std::filesystem::temp_directory_path() / "evprov-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  store::SqliteOptions options;
  options.path = dir + "/bench.db";
  options.synchronous_full = state.range(0) == 1;
  auto store = store::OpenSqliteStore(options);
  if (!store.ok() || !store::MigrateToLatest(**store).ok()) {
    state.SkipWithError("store setup failed");
    return;
  }
  catalog::Variant variant = TwoByTwo();
  catalog::Environment env;
  env.emi3_country = "DE";
  env.emi3_operator = "ABC";
  auto now = std::chrono::system_clock::now();
  std::int64_t n = 0;
  for (auto _ : state) {
    Status s = store::InTransaction(**store, store::TxMode::kWrite, [&](store::Transaction& tx) {
      units::NewUnit unit;
      unit.hardware_id = "HW-" + std::to_string(++n);
      unit.hardware_revision = "B";
      EVPROV_ASSIGN_OR_RETURN(std::int64_t id, units::RegisterUnit(tx, unit, "bench"));
      EVPROV_ASSIGN_OR_RETURN(auto serial, identity::AllocateSerial(tx, id, Naming(), now));
      EVPROV_ASSIGN_OR_RETURN(auto charger,
                              identity::AllocateChargerId(tx, id, Naming(), serial.value, now));
      EVPROV_ASSIGN_OR_RETURN(
          auto plan, identity::PlanConnectors(variant, env, {charger.value, serial.value}));
      return identity::AssignConnectors(tx, id, plan);
    });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  store->reset();
  std::filesystem::remove_all(dir);
  log::SetSink(previous);
}
BENCHMARK(BM_IdentityStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
