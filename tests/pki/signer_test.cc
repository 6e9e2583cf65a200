#include "evprov/pki/signer.h"

#include <gtest/gtest.h>

#include "evprov/common/log.h"
#include "pki_test_util.h"

namespace evprov::pki {
namespace {

// Verifies a Signer's signature with its own public key (plain OpenSSL).
bool Verifies(const Signer& signer, std::string_view data, const std::string& signature) {
  std::string der = signer.public_key_der();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::PKey pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  return pub && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

class SignerTest : public testing::PkiTest {};

TEST_F(SignerTest, FileKeyRoundTrip) {
  for (KeyAlgorithm a : {KeyAlgorithm::kEcP256, KeyAlgorithm::kEcP384, KeyAlgorithm::kRsa3072}) {
    KeySpec spec = FileSpec(std::string(KeyAlgorithmName(a)));
    ASSERT_TRUE(CreateFileKey(spec, a).ok()) << KeyAlgorithmName(a);
    EXPECT_EQ(CreateFileKey(spec, a).code(), StatusCode::kAlreadyExists);
    auto signer = OpenSigner(spec);
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    EXPECT_EQ((*signer)->backend(), KeyBackend::kFile);
    EXPECT_EQ((*signer)->locator(), "file:" + spec.path);
    auto sig = (*signer)->Sign("hello");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(Verifies(**signer, "hello", *sig)) << KeyAlgorithmName(a);
    EXPECT_FALSE(Verifies(**signer, "hellO", *sig)) << KeyAlgorithmName(a);
  }
}

TEST_F(SignerTest, WrongOrMissingPassphrase) {
  KeySpec spec = FileSpec("k");
  ASSERT_TRUE(CreateFileKey(spec, KeyAlgorithm::kEcP256).ok());
  std::string wrong = testing::RandomSecret();
  setenv("EVPROV_TEST_WRONG", wrong.c_str(), 1);
  spec.secret = {SecretSource::Kind::kEnv, "EVPROV_TEST_WRONG"};
  auto s = OpenSigner(spec);
  EXPECT_EQ(s.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.status().message().find(wrong), std::string::npos);
  EXPECT_EQ(s.status().message().find(passphrase_), std::string::npos);
  spec.secret = {SecretSource::Kind::kEnv, "EVPROV_TEST_UNSET_VARIABLE"};
  EXPECT_EQ(OpenSigner(spec).status().code(), StatusCode::kFailedPrecondition);
  spec.secret = {SecretSource::Kind::kFile, dir_.File("missing")};
  EXPECT_EQ(OpenSigner(spec).status().code(), StatusCode::kFailedPrecondition);
  unsetenv("EVPROV_TEST_WRONG");
}

TEST_F(SignerTest, PassphraseFromAFile) {
  KeySpec spec = FileSpec("k");
  testing::WriteFile(dir_.File("pass"), passphrase_ + "\n");
  spec.secret = {SecretSource::Kind::kFile, dir_.File("pass")};
  ASSERT_TRUE(CreateFileKey(spec, KeyAlgorithm::kEcP256).ok());
  EXPECT_TRUE(OpenSigner(spec).ok());
  spec.secret = {SecretSource::Kind::kEnv, kPassVariable};  // same passphrase, other source
  EXPECT_TRUE(OpenSigner(spec).ok());
}

TEST_F(SignerTest, Pkcs11KeyRoundTrip) {
  log::ScopedCapture capture;
  testing::SoftHsmToken token;
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(token.GenerateKey("ca-key"));
  // A wrong PIN first: the token stays logged in for the process once a
  // login succeeded (docs/pki.md), so this must be the first login.
  std::string wrong_pin = testing::RandomSecret();
  setenv("EVPROV_TEST_WRONG_PIN", wrong_pin.c_str(), 1);
  KeySpec bad = token.Spec("ca-key");
  bad.secret = {SecretSource::Kind::kEnv, "EVPROV_TEST_WRONG_PIN"};
  auto refused = OpenSigner(bad);
  EXPECT_FALSE(refused.ok());

  auto signer = OpenSigner(token.Spec("ca-key"));
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ((*signer)->backend(), KeyBackend::kPkcs11);
  auto sig = (*signer)->Sign("hello");
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(Verifies(**signer, "hello", *sig));
  EXPECT_FALSE(Verifies(**signer, "hellO", *sig));

  auto missing = OpenSigner(token.Spec("no-such-key"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  for (const std::string& secret : {token.pin(), wrong_pin}) {
    EXPECT_EQ(refused.status().message().find(secret), std::string::npos);
    EXPECT_EQ(missing.status().message().find(secret), std::string::npos);
    EXPECT_EQ(capture.sink().Joined().find(secret), std::string::npos);
  }
  unsetenv("EVPROV_TEST_WRONG_PIN");
}

TEST(KeySpecTest, LocatorsAndSecretSources) {
  auto file = KeySpec::ParseLocator("file:/etc/evprov/ca.key.pem");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->backend, KeyBackend::kFile);
  EXPECT_EQ(file->Locator(), "file:/etc/evprov/ca.key.pem");
  auto hsm = KeySpec::ParseLocator("pkcs11:token=factory-ca;object=staging-issuing");
  ASSERT_TRUE(hsm.ok());
  EXPECT_EQ(hsm->token_label, "factory-ca");
  EXPECT_EQ(hsm->object_label, "staging-issuing");
  EXPECT_EQ(hsm->Locator(), "pkcs11:token=factory-ca;object=staging-issuing");
  EXPECT_FALSE(KeySpec::ParseLocator("pkcs11:token=x").ok());
  EXPECT_FALSE(KeySpec::ParseLocator("/plain/path").ok());

  EXPECT_EQ(SecretSource::Parse("env:EVPROV_PIN")->ToString(), "env:EVPROV_PIN");
  EXPECT_EQ(SecretSource::Parse("file:/run/secrets/pin")->kind, SecretSource::Kind::kFile);
  // A secret is never accepted inline.
  EXPECT_FALSE(SecretSource::Parse("1234").ok());
  EXPECT_FALSE(SecretSource::Parse("env:").ok());
  EXPECT_EQ(ParseKeyAlgorithm("ec-p384").value(), KeyAlgorithm::kEcP384);
  EXPECT_FALSE(ParseKeyAlgorithm("dsa").ok());
}

}  // namespace
}  // namespace evprov::pki
