#include "evprov/pki/csr_policy.h"

#include <gtest/gtest.h>

#include <iterator>

#include "pki_test_util.h"

namespace evprov::pki {
namespace {

using testing::MakeCsr;
using testing::NewKey;
using testing::Subject;

const ExpectedSubject kExpected{"SN-000123", "Acme Charging"};
const Subject kGoodSubject{{"CN", "SN-000123"}, {"O", "Acme Charging"}};

TEST(CsrPolicyTest, AcceptsP256P384AndRsa2048) {
  for (const char* kind : {"P-256", "P-384", "RSA-2048"}) {
    ossl::PKey key = NewKey(kind);
    auto checked = CheckCsr(MakeCsr(key.get(), kGoodSubject), kExpected, KeyPolicy{});
    ASSERT_TRUE(checked.ok()) << kind << ": " << checked.status().ToString();
    EXPECT_EQ(checked->spki_sha256(), ossl::SpkiSha256Hex(key.get())) << kind;
  }
  ossl::PKey p384 = NewKey("P-384");
  EXPECT_EQ(CheckCsr(MakeCsr(p384.get(), kGoodSubject), kExpected, {})->key_description(),
            "ec-p384");
}

TEST(CsrPolicyTest, SubjectOrderDoesNotMatter) {
  ossl::PKey key = NewKey("P-256");
  Subject reversed{{"O", "Acme Charging"}, {"CN", "SN-000123"}};
  EXPECT_TRUE(CheckCsr(MakeCsr(key.get(), reversed), kExpected, {}).ok());
}

struct Refusal {
  const char* name;
  std::string csr;
  KeyPolicy policy;
  const char* rule;  // the message starts with it
};

class CsrRefusalTest : public ::testing::TestWithParam<int> {};

// Built once per process, on first use (key generation is slow; test
// registration must not pay for it).
const std::vector<Refusal>& Refusals() {
  static const ossl::PKey p256 = NewKey("P-256");
  static const ossl::PKey other = NewKey("P-256");
  static const ossl::PKey rsa1024 = NewKey("RSA-1024");
  static const ossl::PKey rsa2048 = NewKey("RSA-2048");
  static const ossl::PKey k1 = NewKey("secp256k1");
  static const ossl::PKey ed = NewKey("ED25519");
  std::string good = MakeCsr(p256.get(), kGoodSubject);
  std::string oversize = good;
  oversize.insert(0, std::string(kMaxCsrPemBytes, ' '));
  std::string flipped = good;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  KeyPolicy no_rsa;
  no_rsa.min_rsa_bits = 0;
  KeyPolicy only_p384;
  only_p384.allow_ec_p256 = false;
  static const std::vector<Refusal> refusals{
      {"WrongCn",
       MakeCsr(p256.get(), {{"CN", "SN-999"}, {"O", "Acme Charging"}}),
       {},
       "csr.subject.CN: 'SN-999' does not match the unit's serial 'SN-000123'"},
      {"MissingCn", MakeCsr(p256.get(), {{"O", "Acme Charging"}}), {}, "csr.subject.CN:"},
      {"WrongO",
       MakeCsr(p256.get(), {{"CN", "SN-000123"}, {"O", "Evil Corp"}}),
       {},
       "csr.subject.O: 'Evil Corp' does not match"},
      {"ExtraOu",
       MakeCsr(p256.get(), {{"CN", "SN-000123"}, {"O", "Acme Charging"}, {"OU", "x"}}),
       {},
       "csr.subject: unexpected attribute 'OU'"},
      {"ExtraCountry",
       MakeCsr(p256.get(), {{"C", "DE"}, {"CN", "SN-000123"}, {"O", "Acme Charging"}}),
       {},
       "csr.subject: unexpected attribute 'C'"},
      {"TwoCns",
       MakeCsr(p256.get(), {{"CN", "SN-000123"}, {"CN", "SN-000123"}, {"O", "Acme Charging"}}),
       {},
       "csr.subject: more than one CN"},
      {"Rsa1024", MakeCsr(rsa1024.get(), kGoodSubject), {}, "csr.public_key: RSA-1024"},
      {"RsaRefusedByPolicy", MakeCsr(rsa2048.get(), kGoodSubject), no_rsa,
       "csr.public_key: RSA-2048 is not allowed (RSA keys are refused)"},
      {"UnsupportedCurve",
       MakeCsr(k1.get(), kGoodSubject),
       {},
       "csr.public_key: EC curve 'secp256k1'"},
      {"P256RefusedByPolicy", good, only_p384, "csr.public_key: EC curve 'prime256v1'"},
      {"Ed25519", MakeCsr(ed.get(), kGoodSubject), {}, "csr.public_key: key type 'ED25519'"},
      {"SignedByAnotherKey",
       MakeCsr(p256.get(), kGoodSubject, other.get()),
       {},
       "csr.signature: does not verify"},
      {"Oversize", oversize, {}, "csr.size: 5"},
      {"GarbagePem", "hello, I am a charger", {}, "csr.pem: no '-----BEGIN CERTIFICATE REQUEST"},
      {"GarbageInsidePem",
       "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgcmVxdWVzdA==\n-----END CERTIFICATE "
       "REQUEST-----\n",
       {},
       "csr.pem: not a PKCS#10 request"},
      {"CorruptedBase64", flipped, {}, "csr."},
  };
  return refusals;
}

constexpr const char* kRefusalNames[] = {"WrongCn",          "MissingCn",
                                         "WrongO",           "ExtraOu",
                                         "ExtraCountry",     "TwoCns",
                                         "Rsa1024",          "RsaRefusedByPolicy",
                                         "UnsupportedCurve", "P256RefusedByPolicy",
                                         "Ed25519",          "SignedByAnotherKey",
                                         "Oversize",         "GarbagePem",
                                         "GarbageInsidePem", "CorruptedBase64"};
constexpr int kRefusalCount = static_cast<int>(std::size(kRefusalNames));

TEST_P(CsrRefusalTest, NamesTheRule) {
  ASSERT_EQ(Refusals().size(), std::size(kRefusalNames));
  const Refusal& r = Refusals().at(static_cast<std::size_t>(GetParam()));
  ASSERT_STREQ(r.name, kRefusalNames[GetParam()]);
  auto checked = CheckCsr(r.csr, kExpected, r.policy);
  ASSERT_FALSE(checked.ok()) << r.name;
  EXPECT_EQ(checked.status().code(), StatusCode::kInvalidArgument) << r.name;
  EXPECT_TRUE(checked.status().message().starts_with(r.rule))
      << r.name << ": " << checked.status().message();
}

INSTANTIATE_TEST_SUITE_P(AllRules, CsrRefusalTest, ::testing::Range(0, kRefusalCount),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return std::string(kRefusalNames[param_info.param]);
                         });

TEST(CsrPolicyTest, RefusesACompressedPoint) {
  // Same key, other encoding: must not slip past the "seen before" rule.
  ossl::PKey key = NewKey("P-256");
  EVP_PKEY_set_utf8_string_param(key.get(), "point-format", "compressed");
  auto checked = CheckCsr(MakeCsr(key.get(), kGoodSubject), kExpected, {});
  ASSERT_FALSE(checked.ok());
  EXPECT_TRUE(checked.status().message().starts_with("csr.public_key: EC key must use a named"))
      << checked.status().message();
}

}  // namespace
}  // namespace evprov::pki
