// Test helpers for the simulated charger: a recording Link that checks every
// outgoing CALL against the official OCPP 2.0.1 schema, a throwaway CA made at
// test time (real OpenSSL), and a ready-to-use charger fixture.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evprov/ocpp/payload_text.h"
#include "evprov/ocpp/schema.h"
#include "evprov/sim/charger.h"
#include "support/temp_dir.h"

namespace evprov::sim::testing {

using nlohmann::json;

inline const ocpp::SchemaValidator& Schemas() {
  return ocpp::SchemaValidator::Shared(ocpp::OcppVersion::kV201);
}

// Fails the test when payload does not match the official schema.
inline void ExpectSchemaValid(std::string_view action, ocpp::MessageKind kind,
                              const json& payload) {
  auto error = Schemas().Validate(action, kind, payload);
  EXPECT_FALSE(error.has_value()) << action
                                  << (kind == ocpp::MessageKind::kRequest ? " request: "
                                                                          : " response: ")
                                  << (error ? error->description : "") << "\n"
                                  << payload.dump();
}

class FakeLink : public Link {
 public:
  struct Sent {
    std::string action;
    json payload;
    CallDone done;
    bool answered = false;
  };

  // A PreSerialized payload is recorded as the tree its text reads as.
  void Call(std::string_view action, json payload, CallDone done) override {
    if (auto text = ocpp::PreSerializedText(payload)) {
      payload = json::parse(*text, nullptr, false);
      EXPECT_TRUE(payload.is_object()) << action << ": the payload text is not a JSON object";
    }
    ExpectSchemaValid(action, ocpp::MessageKind::kRequest, payload);
    calls.push_back(Sent{std::string(action), std::move(payload), std::move(done)});
  }
  void Close(CloseReason reason) override { closes.push_back(reason); }
  void Open(std::vector<ConnectionAttempt> plan) override { opens.push_back(std::move(plan)); }

  std::vector<const Sent*> Of(std::string_view action) const {
    std::vector<const Sent*> out;
    for (const auto& c : calls) {
      if (c.action == action) out.push_back(&c);
    }
    return out;
  }
  // Answers the oldest unanswered CALL of `action` (validating the answer); false if none.
  bool Answer(std::string_view action, const json& answer) {
    for (auto& c : calls) {
      if (c.action == action && !c.answered) {
        ExpectSchemaValid(action, ocpp::MessageKind::kResponse, answer);
        c.answered = true;
        c.done(answer);
        return true;
      }
    }
    return false;
  }
  bool Fail(std::string_view action, Status status) {
    for (auto& c : calls) {
      if (c.action == action && !c.answered) {
        c.answered = true;
        c.done(std::move(status));
        return true;
      }
    }
    return false;
  }

  std::vector<Sent> calls;
  std::vector<CloseReason> closes;
  std::vector<std::vector<ConnectionAttempt>> opens;
};

// --- a throwaway PKI -------------------------------------------------------------

struct OsslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OsslFree>;
using CertPtr = std::unique_ptr<X509, OsslFree>;

inline KeyPtr NewKey() {
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

inline std::string CertPem(X509* cert) {
  std::unique_ptr<BIO, OsslFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline std::string KeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, OsslFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline X509_NAME* SetCn(X509_NAME* name, const std::string& cn) {
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return name;
}

// What a PEM CSR says about itself.
struct CsrInfo {
  std::string cn;
  std::string o;
  int key_bits = 0;
  bool ec = false;
  bool signature_ok = false;  // proof of possession
};
inline CsrInfo ReadCsr(const std::string& pem) {
  CsrInfo info;
  std::unique_ptr<BIO, OsslFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509_REQ, OsslFree> req(
      PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) return info;
  char buf[256] = {};
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf) > 0) info.cn = buf;
  if (X509_NAME_get_text_by_NID(name, NID_organizationName, buf, sizeof buf) > 0) info.o = buf;
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
  info.key_bits = EVP_PKEY_get_bits(pub);
  info.ec = EVP_PKEY_is_a(pub, "EC") == 1;
  info.signature_ok = X509_REQ_verify(req.get(), pub) == 1;
  return info;
}

// A NetworkConnectionProfileType.
inline json ProfileData(int security_profile, const std::string& url) {
  return {{"ocppVersion", "OCPP20"},
          {"ocppTransport", "JSON"},
          {"ocppCsmsUrl", url},
          {"messageTimeout", 30},
          {"securityProfile", security_profile},
          {"ocppInterface", "Wired0"}};
}

// A CA (root or intermediate) that issues certificates at test time.
class TestCa {
 public:
  // A self-signed root.
  explicit TestCa(const std::string& cn) : key_(NewKey()) {
    cert_ = Make(key_.get(), cn, nullptr, /*ca=*/true);
  }
  // An intermediate issued by `parent`.
  TestCa(const std::string& cn, const TestCa& parent) : key_(NewKey()) {
    cert_ = Make(key_.get(), cn, &parent, /*ca=*/true);
  }
  std::string pem() const { return CertPem(cert_.get()); }

  // A leaf for `public_key` with subject CN `cn`.
  std::string Issue(EVP_PKEY* public_key, const std::string& cn) const {
    CertPtr leaf = Make(public_key, cn, this, /*ca=*/false);
    return CertPem(leaf.get());
  }
  // A leaf for the key of a PEM CSR; cn_override replaces the CSR's CN.
  std::string IssueFromCsr(const std::string& csr_pem, const std::string& cn_override = "") const {
    std::unique_ptr<BIO, OsslFree> bio(
        BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
    std::unique_ptr<X509_REQ, OsslFree> req(
        PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!req) return "";
    std::string cn = cn_override;
    if (cn.empty()) {
      char buf[256] = {};
      X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req.get()), NID_commonName, buf,
                                sizeof buf);
      cn = buf;
    }
    return Issue(X509_REQ_get0_pubkey(req.get()), cn);
  }
  EVP_PKEY* key() const { return key_.get(); }
  X509* cert() const { return cert_.get(); }

 private:
  CertPtr Make(EVP_PKEY* subject_key, const std::string& cn, const TestCa* issuer, bool ca) const {
    CertPtr c(X509_new());
    X509_set_version(c.get(), 2);
    static long serial = 1000;
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400L * 30);
    X509_set_pubkey(c.get(), subject_key);
    SetCn(X509_get_subject_name(c.get()), cn);
    X509_set_issuer_name(
        c.get(), issuer ? X509_get_subject_name(issuer->cert()) : X509_get_subject_name(c.get()));
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer->cert() : c.get(), c.get(), nullptr, nullptr, 0);
    X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                             ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    X509_add_ext(c.get(), bc, -1);
    X509_EXTENSION_free(bc);
    X509_EXTENSION* ku =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_key_usage,
                            ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    X509_add_ext(c.get(), ku, -1);
    X509_EXTENSION_free(ku);
    X509_sign(c.get(), issuer ? issuer->key() : key_.get(), EVP_sha256());
    return c;
  }

  KeyPtr key_;
  CertPtr cert_;
};

// --- config and fixture ------------------------------------------------------------

inline std::vector<catalog::Evse> TwoByTwoLayout() {
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

inline constexpr char kBootstrapSecret[] = "bootstrap-Secret-0123456789";

inline ChargerConfig TestConfig(const std::string& dir) {
  ChargerConfig c;
  c.hardware_id = "HW-0001";
  c.vendor_name = "Acme";
  c.model = "DC-150";
  c.hardware_revision = "B2";
  c.firmware_version = "1.4.2";
  c.iccid = "89440000000000000001";
  c.imsi = "262010000000001";
  c.layout = TwoByTwoLayout();
  c.factory_endpoint = "wss://station.factory.test/ocpp";
  c.bootstrap_secret = kBootstrapSecret;
  c.state_dir = dir + "/unit";
  c.boot_delay = std::chrono::milliseconds(2000);
  return c;
}

class ChargerFixture : public ::testing::Test {
 protected:
  void SetUp() override { config_ = TestConfig(dir_.path()); }

  // Opens (or reopens) the charger from config_.
  void Open() {
    charger_.reset();
    auto c = Charger::Open(config_, link_, scheduler_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    charger_ = std::move(c).value();
  }
  // Open + PowerOn + connect on slot 1 + answer the BootNotification.
  void Boot(const std::string& status = "Accepted", int interval = 300) {
    if (!charger_) Open();
    charger_->PowerOn();
    charger_->OnConnected(1);
    ASSERT_TRUE(link_.Answer(
        "BootNotification",
        json{{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", interval}, {"status", status}}));
    scheduler_.RunDue();
  }
  // Handle with the request and the answer checked against the schema.
  Reply Handle(std::string_view action, const json& payload) {
    ExpectSchemaValid(action, ocpp::MessageKind::kRequest, payload);
    Reply r = charger_->Handle(action, payload);
    if (r.ok()) ExpectSchemaValid(action, ocpp::MessageKind::kResponse, r.payload());
    return r;
  }
  // Handle, expect a CALLRESULT, run the deferred work, return the payload.
  json Call(std::string_view action, const json& payload) {
    Reply r = Handle(action, payload);
    EXPECT_TRUE(r.ok()) << action << ": " << (r.ok() ? "" : r.error().description);
    scheduler_.RunDue();
    return r.ok() ? r.payload() : json();
  }
  json SetVariable(const std::string& component, const std::string& variable,
                   const std::string& value, const json& extra_component = json::object()) {
    json comp = {{"name", component}};
    comp.update(extra_component);
    json r = Call(
        "SetVariables",
        {{"setVariableData",
          {{{"component", comp}, {"variable", {{"name", variable}}}, {"attributeValue", value}}}}});
    return r["setVariableResult"][0];
  }
  json GetVariable(const std::string& component, const std::string& variable) {
    json r = Call("GetVariables",
                  {{"getVariableData",
                    {{{"component", {{"name", component}}}, {"variable", {{"name", variable}}}}}}});
    return r["getVariableResult"][0];
  }

  test::TempDir dir_;
  ManualScheduler scheduler_;
  FakeLink link_;
  ChargerConfig config_;
  std::unique_ptr<Charger> charger_;
};

}  // namespace evprov::sim::testing
