// The simulated charger's cost: heap per unit (the fleet budget is 100 KiB for
// 2,000 units), and the time to answer GetVariables and to build a full
// NotifyReport. State files go to a temporary directory (tmpfs when /dev/shm exists).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "evprov/common/log.h"
#include "evprov/sim/charger.h"

namespace evprov::sim {
namespace {

class NullLink : public Link {
 public:
  void Call(std::string_view, nlohmann::json, CallDone done) override {
    ++calls;
    pending.push_back(std::move(done));
  }
  void Close(CloseReason) override {}
  void Open(std::vector<ConnectionAttempt>) override {}
  void AnswerAll(const nlohmann::json& answer) {
    auto p = std::move(pending);
    pending.clear();
    for (auto& d : p) d(answer);
  }
  std::vector<CallDone> pending;
  int calls = 0;
};

std::vector<catalog::Evse> Layout() {
  std::vector<catalog::Evse> layout;
  for (int e = 1; e <= 2; ++e) {
    catalog::Evse evse;
    evse.id = e;
    evse.max_power_kw = 75;
    evse.connectors.push_back(catalog::Connector{1, "cCCS2", 200, 0, "E1"});
    evse.connectors.push_back(catalog::Connector{2, "cType2", 32, 3, "E2"});
    layout.push_back(evse);
  }
  return layout;
}

std::string BenchDir() {
  std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  return base + "/evprov-sim-bench-" + std::to_string(::getpid());
}

ChargerConfig Config(const std::string& dir, int i,
                     std::shared_ptr<const DeviceModelSchema> schema) {
  ChargerConfig c;
  c.hardware_id = "HW-" + std::to_string(i);
  c.vendor_name = "Acme";
  c.model = "DC-150";
  c.hardware_revision = "B2";
  c.firmware_version = "1.4.2";
  c.layout = Layout();
  c.factory_endpoint = "wss://station.factory.test/ocpp";
  c.bootstrap_secret = "bench-secret-0123456789";
  c.state_dir = dir + "/" + c.hardware_id;
  c.schema = std::move(schema);
  return c;
}

const nlohmann::json kAccepted = {
    {"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Accepted"}};

// Heap bytes per booted, configured unit (shared schema), from mallinfo2.
void BM_HeapPerUnit(benchmark::State& state) {
  log::SetSink(nullptr);
  const int units = static_cast<int>(state.range(0));
  const std::string dir = BenchDir();
  auto schema = DeviceModelSchema::Build(Layout());
  for (auto _ : state) {
    ManualScheduler scheduler;
    NullLink link;
    std::vector<std::unique_ptr<Charger>> fleet;
    fleet.reserve(static_cast<std::size_t>(units));
    const std::size_t before = mallinfo2().uordblks;
    for (int i = 0; i < units; ++i) {
      auto c = Charger::Open(Config(dir, i, *schema), link, scheduler);
      if (!c.ok()) {
        state.SkipWithError(c.status().ToString().c_str());
        return;
      }
      (*c)->PowerOn();
      (*c)->OnConnected(1);
      link.AnswerAll(kAccepted);
      (*c)->Handle("SetVariables", {{"setVariableData",
                                     {{{"component", {{"name", "SecurityCtrlr"}}},
                                       {"variable", {{"name", "OrganizationName"}}},
                                       {"attributeValue", "Acme Charging Operations GmbH"}}}}});
      fleet.push_back(std::move(c).value());
    }
    link.AnswerAll(nlohmann::json::object());
    const std::size_t after = mallinfo2().uordblks;
    state.counters["heap_bytes_per_unit"] = static_cast<double>(after - before) / units;
    state.counters["approx_bytes_per_unit"] = static_cast<double>(fleet[0]->ApproximateBytes());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_HeapPerUnit)->Arg(200)->Iterations(1)->Unit(benchmark::kMillisecond);

class OneUnit {
 public:
  OneUnit() : dir_(BenchDir()) {
    log::SetSink(nullptr);
    auto c = Charger::Open(Config(dir_, 0, nullptr), link_, scheduler_);
    charger_ = std::move(c).value();
    charger_->PowerOn();
    charger_->OnConnected(1);
    link_.AnswerAll(kAccepted);
  }
  ~OneUnit() { std::filesystem::remove_all(dir_); }
  std::string dir_;
  ManualScheduler scheduler_;
  NullLink link_;
  std::unique_ptr<Charger> charger_;
};

void BM_GetVariables(benchmark::State& state) {
  OneUnit unit;
  const nlohmann::json request = {
      {"getVariableData",
       {{{"component", {{"name", "OCPPCommCtrlr"}}}, {"variable", {{"name", "HeartbeatInterval"}}}},
        {{"component", {{"name", "SecurityCtrlr"}}}, {"variable", {{"name", "Identity"}}}},
        {{"component", {{"name", "EVSE"}, {"evse", {{"id", 2}}}}},
         {"variable", {{"name", "Power"}}},
         {"attributeType", "MaxSet"}}}}};
  for (auto _ : state) benchmark::DoNotOptimize(unit.charger_->Handle("GetVariables", request));
}
BENCHMARK(BM_GetVariables);

void BM_FullReport(benchmark::State& state) {
  OneUnit unit;
  const nlohmann::json request = {{"requestId", 1}, {"reportBase", "FullInventory"}};
  for (auto _ : state) {
    unit.charger_->Handle("GetBaseReport", request);
    unit.scheduler_.RunDue();
    unit.link_.AnswerAll(nlohmann::json::object());
  }
}
BENCHMARK(BM_FullReport)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace evprov::sim

BENCHMARK_MAIN();
