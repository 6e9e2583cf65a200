// Certificate issuance throughput, single thread: parse + verify CSR + policy
// + sign + encode (CheckCsr + IssuingCa::Issue), with the CA key in an
// encrypted file and in SoftHSM2; plus the same recorded in the store (one
// transaction per certificate, as the pipeline does). bench/pki_bench.sh
// puts the numbers next to `openssl speed ecdsap256`.
#include <benchmark/benchmark.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.h"
#include "evprov/common/log.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/csr_policy.h"
#include "evprov/pki/issuance.h"
#include "evprov/store/store.h"
#include "pki/ossl.h"

namespace evprov::pki {
namespace {

using bench::RunQuiet;

constexpr char kModule[] = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";
constexpr char kOrganization[] = "Bench Charging";

std::string MakeCsr(const std::string& serial) {
  ossl::PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ossl::X509Req req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(serial.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(kOrganization), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  return ossl::BioText(bio.get());
}

// A store with two environments: "filekey" (CA keys in encrypted files) and
// "hsm" (CA keys in a SoftHSM2 token made for this run), in a temp dir.
class Setup {
 public:
  Setup() {
    log::SetSink(nullptr);  // one log line per certificate would be measured too
    dir_ = (std::filesystem::temp_directory_path() / "evprov-bench-XXXXXX").string();
    if (mkdtemp(dir_.data()) == nullptr) std::abort();
    setenv("EVPROV_BENCH_PASS", "bench-passphrase-not-secret", 1);
    setenv("EVPROV_BENCH_PIN", "4711", 1);
    std::ofstream(dir_ + "/softhsm2.conf")
        << "directories.tokendir = " << dir_ << "/tokens\nobjectstore.backend = file\n";
    setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
    std::string tool = std::string("pkcs11-tool --module ") + kModule +
                       " --token-label bench --login --pin 4711 --keypairgen "
                       "--key-type EC:prime256v1";
    ok_ = RunQuiet("mkdir -p " + dir_ + "/tokens") &&
          RunQuiet("softhsm2-util --init-token --free --label bench --so-pin 0000 --pin 4711") &&
          RunQuiet(tool + " --id 01 --label root") && RunQuiet(tool + " --id 02 --label issuing");
    store::SqliteOptions options;
    options.path = dir_ + "/bench.db";
    options.synchronous_full = false;
    auto s = store::OpenSqliteStore(options);
    ok_ = ok_ && s.ok() && store::MigrateToLatest(**s).ok();
    if (!ok_) return;
    store_ = std::move(s).value();
    ok_ = InitEnv(Env("filekey"), FileKey("root"), FileKey("issuing")) &&
          InitEnv(Env("hsm"), HsmKey("root"), HsmKey("issuing"));
  }
  ~Setup() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  store::Store& store() { return *store_; }

  static catalog::Environment Env(const std::string& name) {
    catalog::Environment env;
    env.name = name;
    env.kind = "staging";
    env.organization_name = kOrganization;
    env.issuing_ca = name + "-issuing";
    return env;
  }
  std::unique_ptr<IssuingCa> Open(const std::string& name) {
    auto tx = store_->Begin(store::TxMode::kRead);
    auto ca = IssuingCa::OpenForEnvironment(**tx, Env(name));
    return ca.ok() ? std::move(ca).value() : nullptr;
  }

 private:
  KeySpec FileKey(const std::string& name) const {
    KeySpec k;
    k.path = dir_ + "/" + name + ".key.pem";
    k.secret = {SecretSource::Kind::kEnv, "EVPROV_BENCH_PASS"};
    return k;
  }
  static KeySpec HsmKey(const std::string& label) {
    KeySpec k;
    k.backend = KeyBackend::kPkcs11;
    k.token_label = "bench";
    k.object_label = label;
    k.module_path = kModule;
    k.secret = {SecretSource::Kind::kEnv, "EVPROV_BENCH_PIN"};
    return k;
  }
  bool InitEnv(const catalog::Environment& env, const KeySpec& root, const KeySpec& issuing) {
    CaInitOptions o;
    o.root.key = root;
    o.issuing.key = issuing;
    return store::InTransaction(
               *store_, store::TxMode::kWrite,
               [&](store::Transaction& tx) { return InitCa(tx, env, o, "bench").status(); })
        .ok();
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  bool ok_ = false;
};

Setup& TheSetup() {
  static Setup setup;
  return setup;
}

// Pure issuance: what the limit 1 / (t_sign + t_verify) bounds.
void Issue(benchmark::State& state, const std::string& env) {
  if (!TheSetup().ok()) {
    state.SkipWithError("setup failed (SoftHSM2 tools missing?)");
    return;
  }
  std::unique_ptr<IssuingCa> ca = TheSetup().Open(env);
  std::vector<std::string> csrs;
  for (int i = 0; i < 64; ++i) csrs.push_back(MakeCsr("SN-BENCH"));
  const KeyPolicy policy = ca->info().leaf_key_policy;
  const ExpectedSubject expected{"SN-BENCH", kOrganization};
  std::size_t i = 0;
  for (auto _ : state) {
    auto checked = CheckCsr(csrs[i++ % csrs.size()], expected, policy);
    auto cert = ca->Issue(*checked);
    if (!cert.ok()) {
      state.SkipWithError(cert.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(cert->chain_pem.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_IssueFileKey(benchmark::State& state) {
  Issue(state, "filekey");
}
void BM_IssueSoftHsm(benchmark::State& state) {
  Issue(state, "hsm");
}
BENCHMARK(BM_IssueFileKey)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_IssueSoftHsm)->Unit(benchmark::kMicrosecond)->MinTime(3);

// The CSR half alone (parse + verify + policy), to see where time goes.
void BM_CheckCsr(benchmark::State& state) {
  std::vector<std::string> csrs;
  for (int i = 0; i < 64; ++i) csrs.push_back(MakeCsr("SN-BENCH"));
  const ExpectedSubject expected{"SN-BENCH", kOrganization};
  std::size_t i = 0;
  for (auto _ : state) {
    auto checked = CheckCsr(csrs[i++ % csrs.size()], expected, KeyPolicy{});
    benchmark::DoNotOptimize(checked.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckCsr)->Unit(benchmark::kMicrosecond)->MinTime(2);

// The CA with its key in a file, or nullptr (and the benchmark skipped).
std::unique_ptr<IssuingCa> FileKeyCa(benchmark::State& state) {
  if (TheSetup().ok()) return TheSetup().Open("filekey");
  state.SkipWithError("setup failed");
  return nullptr;
}

Result<CheckedCsr> BenchCsr() {
  return CheckCsr(MakeCsr("SN-BENCH"), {"SN-BENCH", kOrganization}, KeyPolicy{});
}

// The signing half alone (build + sign + encode), file key.
void BM_SignOnly(benchmark::State& state) {
  std::unique_ptr<IssuingCa> ca = FileKeyCa(state);
  if (!ca) return;
  auto checked = BenchCsr();
  for (auto _ : state) {
    auto cert = ca->Issue(*checked);
    benchmark::DoNotOptimize(cert.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignOnly)->Unit(benchmark::kMicrosecond)->MinTime(2);

// Reading one issued P-256 leaf from DER (d2i_X509): what a TLS handshake
// does for every certificate its peer sends. OpenSSL 3.0 decodes the public
// key through its provider decoders, under a lock per lookup.
void BM_ParseCertificate(benchmark::State& state) {
  std::unique_ptr<IssuingCa> ca = FileKeyCa(state);
  if (!ca) return;
  auto cert = ca->Issue(*BenchCsr());
  if (!cert.ok()) {
    state.SkipWithError("issue failed");
    return;
  }
  BIO* bio =
      BIO_new_mem_buf(cert->certificate_pem.data(), static_cast<int>(cert->certificate_pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  X509_free(x);
  for (auto _ : state) {
    const unsigned char* p = der;
    X509* parsed = d2i_X509(nullptr, &p, len);
    benchmark::DoNotOptimize(parsed);
    X509_free(parsed);
  }
  OPENSSL_free(der);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCertificate)->Unit(benchmark::kMicrosecond)->MinTime(2);

// With the store: unit row, "seen before" check, record, audit, commit.
void BM_IssueFileKeyRecorded(benchmark::State& state) {
  if (!TheSetup().ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  std::unique_ptr<IssuingCa> ca = TheSetup().Open("filekey");
  static int next = 0;
  std::vector<std::pair<std::int64_t, std::string>> units;  // id, csr (fresh key each)
  const auto n = static_cast<std::size_t>(state.max_iterations);
  for (std::size_t k = 0; k < n; ++k) {
    std::string serial = "SN-R" + std::to_string(++next);
    std::int64_t id = 0;
    (void)store::InTransaction(
        TheSetup().store(), store::TxMode::kWrite, [&](store::Transaction& tx) {
          auto rows = tx.Query(
              "INSERT INTO units (hardware_id, serial, hardware_revision, state, registered_by, "
              "created_at, updated_at) VALUES (?, ?, 'A', 'x', 'bench', 'now', 'now') RETURNING id",
              {"HW-" + serial, serial});
          if (!rows.ok()) return rows.status();
          id = rows->at(0).Int(0);
          return Status::Ok();
        });
    units.emplace_back(id, MakeCsr(serial));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [id, csr] = units[i++];
    std::string serial = "SN-R" + std::to_string(next - static_cast<int>(n) + static_cast<int>(i));
    Status s = store::InTransaction(
        TheSetup().store(), store::TxMode::kWrite, [&](store::Transaction& tx) {
          return IssueChargingStationCertificate(tx, *ca, csr, {id, serial, kOrganization}, "b")
              .status();
        });
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueFileKeyRecorded)->Unit(benchmark::kMicrosecond)->Iterations(2000);

}  // namespace
}  // namespace evprov::pki

BENCHMARK_MAIN();
