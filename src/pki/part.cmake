# pki: two files use deprecated OpenSSL API and are compiled against the
# OpenSSL 1.1.1 API level: pkcs11_key.cc (libp11's pkcs11 ENGINE; every ENGINE
# call lives there) and legacy_verify.cc (low-level EC/RSA verify of CSRs,
# three times cheaper than OpenSSL 3.0's per-key provider import).
set_source_files_properties(
  ${PROJECT_SOURCE_DIR}/src/pki/pkcs11_key.cc
  ${PROJECT_SOURCE_DIR}/src/pki/legacy_verify.cc
  PROPERTIES COMPILE_DEFINITIONS OPENSSL_API_COMPAT=0x10101000L)
