#include "evprov/pki/credentials.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <set>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "pki_test_util.h"

namespace evprov::pki {
namespace {

using testing::PkiTest;

TEST(PasswordTest, LengthAndCharacterSet) {
  for (int length : {16, 17, 32, 40}) {
    auto p = GeneratePassword(length);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->reveal().size(), static_cast<std::size_t>(length));
    EXPECT_TRUE(IsValidPassword(p->reveal())) << p->reveal();
  }
  EXPECT_EQ(GeneratePassword(15).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GeneratePassword(41).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsValidPassword("short"));
  EXPECT_FALSE(IsValidPassword("has a space in it ....."));
  EXPECT_FALSE(IsValidPassword("semicolon;is-not-in-the-set"));
  EXPECT_TRUE(IsValidPassword("abcABC019*-_=:+|@.abcd"));
}

TEST(PasswordTest, UniqueAndUsesTheWholeCharacterSet) {
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < 2000; ++i) {
    auto p = GeneratePassword(16);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(seen.insert(p->reveal()).second) << "duplicate password";
    chars.insert(p->reveal().begin(), p->reveal().end());
  }
  // 32,000 draws over 71 symbols: every symbol appears (a biased or truncated
  // generator would miss some).
  EXPECT_EQ(chars.size(), kOcppPasswordCharset.size());
}

class CredentialsTest : public PkiTest {
 protected:
  void SetUp() override {
    PkiTest::SetUp();
    ASSERT_TRUE(StationSecret::Create(dir_.File("station.secret")).ok());
    auto s = StationSecret::Load(dir_.File("station.secret"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    secret_ = std::make_unique<StationSecret>(std::move(s).value());
  }
  Result<SecretString> Issue(std::int64_t unit) {
    Result<SecretString> out = Status::Internal("not run");
    Status s = Write([&](store::Transaction& tx) {
      out = IssueUnitPassword(tx, *secret_, unit, {}, "pipeline");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  Status Verify(std::int64_t unit, std::string_view password) {
    auto tx = store_->Begin(store::TxMode::kRead);
    return VerifyUnitPassword(**tx, *secret_, unit, password);
  }
  std::unique_ptr<StationSecret> secret_;
};

TEST_F(CredentialsTest, StationSecretFileIsPrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("station.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(StationSecret::Create(dir_.File("station.secret")).code(), StatusCode::kAlreadyExists);
  ASSERT_EQ(::chmod(dir_.File("station.secret").c_str(), 0644), 0);
  EXPECT_EQ(StationSecret::Load(dir_.File("station.secret")).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(CredentialsTest, KeyedHashDependsOnTheSecret) {
  ASSERT_TRUE(StationSecret::Create(dir_.File("other.secret")).ok());
  auto other = StationSecret::Load(dir_.File("other.secret"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(secret_->KeyedHash("pw-0123456789abcdef"), secret_->KeyedHash("pw-0123456789abcdef"));
  EXPECT_NE(secret_->KeyedHash("pw-0123456789abcdef"), other->KeyedHash("pw-0123456789abcdef"));
  EXPECT_NE(secret_->KeyedHash("pw-0123456789abcdef"), secret_->KeyedHash("pw-0123456789abcdeg"));
  EXPECT_EQ(secret_->KeyedHash("x").size(), 64u);
}

TEST_F(CredentialsTest, StoresOnlyTheKeyedHashAndVerifies) {
  log::ScopedCapture capture;
  std::int64_t unit = AddUnit("SN-P1");
  auto password = Issue(unit);
  ASSERT_TRUE(password.ok()) << password.status().ToString();
  const std::string plain = password->reveal();
  EXPECT_EQ(plain.size(), 32u);
  EXPECT_TRUE(Verify(unit, plain).ok());
  Status wrong = Verify(unit, plain.substr(0, 31) + (plain[31] == 'a' ? "b" : "a"));
  EXPECT_EQ(wrong.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message().find(plain.substr(0, 16)), std::string::npos);
  EXPECT_EQ(Verify(AddUnit("SN-P2"), plain).code(), StatusCode::kUnauthenticated);

  // The store holds the keyed hash only; neither store, audit nor logs hold the password.
  auto tx = store_->Begin(store::TxMode::kRead);
  auto rows = (*tx)->Query("SELECT keyed_hash FROM unit_credentials WHERE unit_id = ?", {unit});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), secret_->KeyedHash(plain));
  auto entries = audit::List(**tx);
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(entries->back().action, "credential.issue");
  for (const audit::Entry& e : *entries) EXPECT_EQ(e.detail.find(plain), std::string::npos);
  std::string logs = capture.sink().Joined();
  EXPECT_NE(logs.find("pki.credential.issued"), std::string::npos);
  EXPECT_EQ(logs.find(plain), std::string::npos);
}

TEST_F(CredentialsTest, ReissueReplacesTheOldPassword) {
  std::int64_t unit = AddUnit("SN-P3");
  auto first = Issue(unit);
  auto second = Issue(unit);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->reveal(), second->reveal());
  EXPECT_EQ(Verify(unit, first->reveal()).code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(Verify(unit, second->reveal()).ok());
}

TEST_F(CredentialsTest, TwoUnitsCanNeverHoldTheSamePassword) {
  std::int64_t a = AddUnit("SN-P4");
  std::int64_t b = AddUnit("SN-P5");
  ASSERT_TRUE(Issue(a).ok());
  // Force a collision underneath: the UNIQUE keyed_hash refuses it.
  Status s = Write([&](store::Transaction& tx) {
    return tx
        .Exec(
            "INSERT INTO unit_credentials (unit_id, kind, keyed_hash, created_by, created_at) "
            "SELECT ?, kind, keyed_hash, 'x', 'y' FROM unit_credentials WHERE unit_id = ?",
            {b, a})
        .status();
  });
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
}

TEST_F(CredentialsTest, SealedPasswordOpensOnlyWithTheCpmsKey) {
  // A CPMS certificate (self-signed, generated for the test).
  ossl::PKey cpms_key = testing::NewKey("RSA-2048");
  ossl::X509Ptr cpms(X509_new());
  X509_set_version(cpms.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cpms.get()), 1);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cpms.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("cpms"), -1, -1, 0);
  X509_set_issuer_name(cpms.get(), X509_get_subject_name(cpms.get()));
  X509_gmtime_adj(X509_getm_notBefore(cpms.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cpms.get()), 3600);
  X509_set_pubkey(cpms.get(), cpms_key.get());
  ASSERT_GT(X509_sign(cpms.get(), cpms_key.get(), EVP_sha256()), 0);

  auto password = GeneratePassword(24);
  ASSERT_TRUE(password.ok());
  auto sealed = SealForRecipient(*password, ossl::CertPem(cpms.get()));
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->find(password->reveal()), std::string::npos);
  EXPECT_NE(sealed->find("-----BEGIN CMS-----"), std::string::npos);

  auto open_with = [&](EVP_PKEY* key) {
    ossl::Bio in = ossl::MemBio(*sealed);
    ossl::Cms cms(PEM_read_bio_CMS(in.get(), nullptr, nullptr, nullptr));
    ossl::Bio out(BIO_new(BIO_s_mem()));
    if (!cms || CMS_decrypt(cms.get(), key, nullptr, nullptr, out.get(), 0) != 1) {
      return std::string("<failed>");
    }
    return ossl::BioText(out.get());
  };
  EXPECT_EQ(open_with(cpms_key.get()), password->reveal());
  ossl::PKey stranger = testing::NewKey("RSA-2048");
  EXPECT_EQ(open_with(stranger.get()), "<failed>");
  EXPECT_EQ(SealForRecipient(*password, "not a certificate").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evprov::pki
