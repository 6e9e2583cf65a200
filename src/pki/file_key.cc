// The development backend: an AES-256 encrypted PKCS#8 PEM file.
#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pki/key_handle.h"

namespace evprov::pki {

Result<ossl::PKey> LoadFileKey(const KeySpec& spec, const SecretString& passphrase) {
  struct stat st {};
  if (::stat(spec.path.c_str(), &st) != 0) {
    return Status::NotFound("key.path: '" + spec.path + "': " + std::strerror(errno));
  }
  ossl::Bio bio(BIO_new_file(spec.path.c_str(), "r"));
  if (!bio) return ossl::Error(StatusCode::kFailedPrecondition, "key.path", "cannot open");
  // Passing the passphrase as `u` with no callback makes OpenSSL use it as is.
  ossl::PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr,
                                         const_cast<char*>(passphrase.reveal().c_str())));
  if (!key) {
    ossl::TakeErrors();  // "bad decrypt" and decoder noise; say it plainly
    return Status::PermissionDenied("key.secret: cannot decrypt '" + spec.path +
                                    "' (wrong passphrase or not an encrypted private key)");
  }
  return key;
}

Status CreateFileKey(const KeySpec& spec, KeyAlgorithm algorithm) {
  if (spec.backend != KeyBackend::kFile) {
    return Status::InvalidArgument(
        "key.backend: PKCS#11 keys are generated inside the token (docs/pki.md)");
  }
  EVPROV_ASSIGN_OR_RETURN(SecretString passphrase, ReadSecret(spec.secret, "key.secret"));
  ossl::PKey key;
  switch (algorithm) {
    case KeyAlgorithm::kEcP256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
      break;
    case KeyAlgorithm::kEcP384:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
      break;
    case KeyAlgorithm::kRsa3072:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072}));
      break;
  }
  if (!key) return ossl::Error(StatusCode::kInternal, "key", "key generation failed");

  int fd = ::open(spec.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("key.path: '" + spec.path + "' exists");
    return Status::FailedPrecondition("key.path: '" + spec.path + "': " + std::strerror(errno));
  }
  ossl::Bio mem(BIO_new(BIO_s_mem()));
  const std::string& pass = passphrase.reveal();
  if (PEM_write_bio_PKCS8PrivateKey(mem.get(), key.get(), EVP_aes_256_cbc(), pass.data(),
                                    static_cast<int>(pass.size()), nullptr, nullptr) != 1) {
    ::close(fd);
    ::unlink(spec.path.c_str());
    return ossl::Error(StatusCode::kInternal, "key", "cannot encrypt the key");
  }
  std::string pem = ossl::BioText(mem.get());
  bool ok =
      ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(spec.path.c_str());
    return Status::Internal("key.path: '" + spec.path + "': write failed");
  }
  return Status::Ok();
}

}  // namespace evprov::pki
