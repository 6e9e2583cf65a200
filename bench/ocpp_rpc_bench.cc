// CALL round trips per second and round-trip latency (p50/p99) over wss
// (security profile 2) on loopback: 100 connections, each a closed loop of
// BootNotification calls from the station to the server, with and without
// schema validation on both sides. Server and clients share this machine.
//
//   build/ocpp_rpc_bench --benchmark_counters_tabular=true
//
// Test certificates are made with the openssl CLI in a temp dir
// (bench_support.h).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "evprov/common/log.h"
#include "evprov/ocpp/client.h"
#include "evprov/ocpp/schema.h"
#include "evprov/ocpp/server.h"
#include "evprov/pki/credentials.h"

namespace {

using namespace evprov::ocpp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// CPU seconds (user + system) used so far by the whole process.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

constexpr int kConnections = 100;
constexpr auto kMeasure = std::chrono::seconds(3);
// The Basic-auth password of the benchmark's chargers: made at run time by the
// same CSPRNG generator the station uses, never a literal in the source.
const std::string& BenchPassword() {
  static const std::string password = [] {
    auto p = evprov::pki::GeneratePassword(32);
    if (!p.ok()) std::abort();
    return p->reveal();
  }();
  return password;
}

// A CA and the server's certificate under it, made once per run.
const evprov::bench::TempPki* Certificates() {
  using evprov::bench::TempPki;
  static const std::unique_ptr<TempPki> pki = [] {
    auto made = std::make_unique<TempPki>();
    const bool ok =
        made->Root("ca", "bench-ca") && made->Issue("server", "127.0.0.1", "ca", TempPki::kLeaf);
    return ok ? std::move(made) : nullptr;
  }();
  return pki.get();
}

json BootRequest(int i) {
  return {{"reason", "PowerUp"},
          {"chargingStation",
           {{"model", "EVP-1"},
            {"vendorName", "evprov"},
            {"serialNumber", "SN-" + std::to_string(i)}}}};
}

void BM_WssRoundTrips(benchmark::State& state) {
  const bool validate = state.range(0) != 0;
  evprov::log::SetLevel(evprov::log::Level::kError);
  const evprov::bench::TempPki* pki = Certificates();
  if (pki == nullptr) {
    state.SkipWithError("openssl CLI failed to make test certificates");
    return;
  }
  const MessageValidator* validator =
      validate ? &SchemaValidator::Shared(OcppVersion::kV201) : nullptr;

  Handlers server_handlers;
  server_handlers.OnSync("BootNotification", [](const SessionInfo&, const json&) -> HandlerResult {
    return json{{"currentTime", "2026-11-24T03:00:00Z"}, {"interval", 300}, {"status", "Accepted"}};
  });
  ServerOptions so;
  so.profile = SecurityProfile::kTlsBasicAuth;
  so.tls = {pki->File("server.pem"), pki->File("server.key"), pki->File("ca.pem")};
  so.threads = 1;
  so.validator = validator;
  Server server(
      so,
      [](const HandshakeInfo& h) {
        return h.password == BenchPassword() ? AuthDecision::Accept()
                                             : AuthDecision::Unauthorized();
      },
      std::move(server_handlers));
  if (!server.Start().ok()) {
    state.SkipWithError("server did not start");
    return;
  }
  auto runtime = std::make_shared<Runtime>(1);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConnections; ++i) {
    ClientOptions co;
    co.endpoint = "wss://127.0.0.1:" + std::to_string(server.port()) + "/ocpp";
    co.identity = "BENCH-" + std::to_string(i);
    co.password = BenchPassword();
    co.tls.ca_file = pki->File("ca.pem");
    co.validator = validator;
    clients.push_back(std::make_unique<Client>(co, Handlers{}, runtime));
    if (!clients.back()->Connect().ok()) {
      state.SkipWithError("client did not connect");
      return;
    }
  }

  for (auto _ : state) {
    std::atomic<bool> running{true};
    std::atomic<std::int64_t> done{0};
    std::atomic<std::int64_t> failed{0};
    std::atomic<int> loops_active{kConnections};
    std::mutex mu;
    std::vector<double> latencies_us;
    latencies_us.reserve(1 << 20);
    // Each connection: a closed loop, one call outstanding at a time.
    std::vector<std::function<void()>> loops(kConnections);
    for (int i = 0; i < kConnections; ++i) {
      loops[i] = [&, i] {
        if (!running) {
          --loops_active;
          return;
        }
        auto start = Clock::now();
        clients[i]->Call(
            "BootNotification", BootRequest(i), {.timeout = std::chrono::seconds(10)},
            [&, i, start](evprov::Result<json> r) {
              auto us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
              if (r.ok()) {
                ++done;
                std::lock_guard lock(mu);
                latencies_us.push_back(us);
              } else {
                ++failed;
              }
              loops[i]();
            });
      };
    }
    auto t0 = Clock::now();
    const double cpu0 = ProcessCpuSeconds();
    for (auto& loop : loops) loop();
    std::this_thread::sleep_for(kMeasure);
    running = false;
    while (loops_active > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = ProcessCpuSeconds() - cpu0;
    std::sort(latencies_us.begin(), latencies_us.end());
    auto pct = [&](double p) {
      return latencies_us.empty()
                 ? 0.0
                 : latencies_us[static_cast<std::size_t>(p * (latencies_us.size() - 1))];
    };
    state.SetIterationTime(seconds);
    state.counters["round_trips_per_s"] = static_cast<double>(done) / seconds;
    state.counters["p50_us"] = pct(0.50);
    state.counters["p99_us"] = pct(0.99);
    state.counters["failed"] = static_cast<double>(failed);
    // Client and server together; 2e6 / cpu_us_per_rt bounds the rate on two idle cores.
    state.counters["cpu_us_per_rt"] = done > 0 ? cpu * 1e6 / static_cast<double>(done) : 0.0;
    state.counters["connections"] = kConnections;
  }
  clients.clear();
  server.Stop();
}

BENCHMARK(BM_WssRoundTrips)
    ->ArgName("validation")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
