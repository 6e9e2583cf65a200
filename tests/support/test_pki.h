// Test PKI made at test time with OpenSSL: CAs, a server certificate for
// 127.0.0.1/localhost, client certificates with a chosen CN. Files are PEM
// in a directory the caller owns (a TempDir); nothing is ever committed.
//
//   test::TestPki pki(dir.path());
//   auto ca = pki.CreateCa("factory");            // factory.ca.pem / .key.pem
//   auto server = pki.IssueServer(ca, "station");  // SAN IP:127.0.0.1, DNS:localhost
//   auto client = pki.IssueClient(ca, "CS-0001");  // CN=CS-0001
//
// Keys are EC P-256. Aborts the test (FAIL) on OpenSSL errors.
// Thread-safety: one TestPki per thread.
#pragma once

#include <string>
#include <vector>

namespace evprov::test {

struct CertFiles {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path (unencrypted)
};

class TestPki {
 public:
  explicit TestPki(std::string dir);
  CertFiles CreateCa(const std::string& name);
  CertFiles IssueServer(const CertFiles& ca, const std::string& name,
                        const std::vector<std::string>& hosts = {"127.0.0.1", "localhost"});
  CertFiles IssueClient(const CertFiles& ca, const std::string& common_name,
                        const std::string& organization = "evprov test");

 private:
  std::string dir_;
};

}  // namespace evprov::test
