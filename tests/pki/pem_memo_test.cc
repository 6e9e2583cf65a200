// pki/pem_memo.h: one parsed object per PEM text, shared; the same
// certificate alone or inside a chain is the same object; keys made here are
// never parsed back; bad text gives nothing.
#include "pki/pem_memo.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/pki_test_util.h"

namespace evprov::pki::testing {
namespace {

std::string SelfSignedPem(EVP_PKEY* key, const char* cn) {
  ossl::X509Ptr cert(X509_new());
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  EXPECT_GT(X509_sign(cert.get(), key, EVP_sha256()), 0);
  return ossl::CertPem(cert.get());
}

TEST(PemMemoTest, ACertificateIsOneObjectAloneOrInAChain) {
  auto key = NewKey("P-256");
  const std::string a = SelfSignedPem(key.get(), "memo-a");
  const std::string b = SelfSignedPem(key.get(), "memo-b");
  auto alone = ossl::MemoCert(a);
  ASSERT_TRUE(alone);
  auto again = ossl::MemoCert("\n\n" + a);  // what surrounds the block does not matter
  EXPECT_EQ(alone.get(), again.get());
  auto chain = ossl::MemoCerts(b + "\n" + a);
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].get(), alone.get());
  EXPECT_NE(chain[0].get(), alone.get());
  EXPECT_EQ(X509_cmp(chain[0].get(), ossl::MemoCert(b).get()), 0);
  // Handles outlive each other: the object is reference-counted.
  alone.reset();
  again.reset();
  EXPECT_EQ(X509_check_issued(chain[1].get(), chain[1].get()), X509_V_OK);
}

TEST(PemMemoTest, BadTextGivesNothing) {
  EXPECT_FALSE(ossl::MemoCert(""));
  EXPECT_FALSE(ossl::MemoCert("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  EXPECT_TRUE(ossl::MemoCerts("no pem here").empty());
  EXPECT_FALSE(ossl::MemoKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_EQ(ERR_peek_error(), 0u);  // the error queue is left clean
}

TEST(PemMemoTest, KeysAreSharedAndAKeyMadeHereIsNotParsedBack) {
  auto key = NewKey("P-256");
  const std::string pem = PrivateKeyPem(key.get());
  auto first = ossl::MemoKey(pem);
  ASSERT_TRUE(first);
  EXPECT_EQ(EVP_PKEY_eq(first.get(), key.get()), 1);
  EXPECT_EQ(ossl::MemoKey(pem).get(), first.get());

  auto made = NewKey("P-256");
  const std::string made_pem = PrivateKeyPem(made.get());
  ossl::MemoRememberKey(made_pem, made.get());
  EXPECT_EQ(ossl::MemoKey(made_pem).get(), made.get());
}

}  // namespace
}  // namespace evprov::pki::testing
