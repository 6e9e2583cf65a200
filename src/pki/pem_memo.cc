#include "pki/pem_memo.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace evprov::pki::ossl {
namespace {

template <typename T, void (*Free)(T*), int (*UpRef)(T*)>
class Memo {
 public:
  using Handle = Ptr<T, Free>;

  Handle Find(std::string_view pem) {
    std::lock_guard lock(mutex_);
    auto it = map_.find(pem);
    if (it == map_.end()) return nullptr;
    UpRef(it->second.get());
    return Handle(it->second.get());
  }
  void Remember(std::string_view pem, T* object) {
    std::lock_guard lock(mutex_);
    if (map_.size() >= kPemMemoMaxEntries) map_.clear();
    auto [it, inserted] = map_.try_emplace(std::string(pem));
    if (!inserted) return;
    UpRef(object);
    it->second.reset(object);
  }
  template <typename Parse>
  Handle Get(std::string_view pem, Parse parse) {
    if (Handle found = Find(pem)) return found;
    Handle parsed = parse(pem);
    if (parsed) Remember(pem, parsed.get());
    return parsed;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Handle, Hash, std::equal_to<>> map_;
};

using CertMemo = Memo<X509, X509_free, X509_up_ref>;
using KeyMemo = Memo<EVP_PKEY, EVP_PKEY_free, EVP_PKEY_up_ref>;

CertMemo& Certs() {
  static CertMemo memo;
  return memo;
}
KeyMemo& Keys() {
  static KeyMemo memo;
  return memo;
}

X509Ptr ParseCert(std::string_view pem) {
  Bio bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) ERR_clear_error();
  return cert;
}

PKey ParseKey(std::string_view pem) {
  Bio bio = MemBio(pem);
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) ERR_clear_error();
  return key;
}

constexpr std::string_view kBeginCertificate = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEndCertificate = "-----END CERTIFICATE-----";

// The certificate block starting at or after from, without what surrounds
// it, so the same certificate is one key alone or inside a chain; empty
// when there is none. *next is where the following block may start.
std::string_view CertBlock(std::string_view pem, std::size_t from, std::size_t* next) {
  std::size_t begin = pem.find(kBeginCertificate, from);
  if (begin == std::string_view::npos) return {};
  std::size_t end = pem.find(kEndCertificate, begin);
  if (end == std::string_view::npos) return {};
  end += kEndCertificate.size();
  *next = end;
  return pem.substr(begin, end - begin);
}

}  // namespace

X509Ptr MemoCert(std::string_view pem) {
  std::size_t next = 0;
  std::string_view block = CertBlock(pem, 0, &next);
  if (block.empty()) return nullptr;
  return Certs().Get(block, &ParseCert);
}

std::vector<X509Ptr> MemoCerts(std::string_view pem) {
  std::vector<X509Ptr> out;
  std::size_t from = 0;
  while (out.size() < 16) {
    std::string_view block = CertBlock(pem, from, &from);
    if (block.empty()) break;
    X509Ptr cert = Certs().Get(block, &ParseCert);
    if (!cert) break;
    out.push_back(std::move(cert));
  }
  return out;
}

PKey MemoKey(std::string_view pem) {
  return Keys().Get(pem, &ParseKey);
}

void MemoRememberKey(std::string_view pem, EVP_PKEY* key) {
  Keys().Remember(pem, key);
}

}  // namespace evprov::pki::ossl
