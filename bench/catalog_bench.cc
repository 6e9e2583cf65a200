// Catalog throughput: loading + validating a variant, its canonical JSON,
// and importing into an SQLite store.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench_support.h"
#include "evprov/catalog/json.h"
#include "evprov/catalog/loader.h"
#include "evprov/catalog/repository.h"
#include "evprov/common/log.h"
#include "evprov/store/store.h"

namespace {

std::string Dc150Text() {
  return evprov::bench::ReadText(std::filesystem::path(EVPROV_SOURCE_DIR) /
                                 "examples/catalog/variants/dc150.yaml");
}

void BM_LoadVariant(benchmark::State& state) {
  const std::string text = Dc150Text();
  for (auto _ : state) {
    auto v = evprov::catalog::LoadVariantFromString(text, "dc150.yaml");
    if (!v.ok()) state.SkipWithError(v.status().message().c_str());
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_LoadVariant);

void BM_CanonicalJsonRoundTrip(benchmark::State& state) {
  auto v = evprov::catalog::LoadVariantFromString(Dc150Text(), "dc150.yaml");
  for (auto _ : state) {
    auto back = evprov::catalog::VariantFromJson(evprov::catalog::ToJson(*v));
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_CanonicalJsonRoundTrip);

// Each iteration imports a new version (the description changes) in its own
// write transaction, with the store's default synchronous=FULL commits.
void BM_ImportVariant(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "evprov_catalog_bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto previous_sink = evprov::log::SetSink(nullptr);  // one line per import otherwise
  auto store = evprov::store::OpenStore((dir / "b.db").string());
  if (!store.ok() || !evprov::store::MigrateToLatest(**store).ok()) {
    state.SkipWithError("store");
    return;
  }
  auto v = evprov::catalog::LoadVariantFromString(Dc150Text(), "dc150.yaml");
  int n = 0;
  for (auto _ : state) {
    v->description = "run " + std::to_string(++n);
    evprov::Status s = evprov::store::InTransaction(
        **store, evprov::store::TxMode::kWrite, [&](evprov::store::Transaction& tx) {
          return evprov::catalog::ImportVariant(tx, *v, "bench", "alice").status();
        });
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  evprov::log::SetSink(previous_sink);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ImportVariant)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
