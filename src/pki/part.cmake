# pki: the ENGINE calls (libp11's pkcs11 engine, deprecated API) are confined
# to pkcs11_key.cc, compiled against the OpenSSL 1.1.1 API level.
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/pki/pkcs11_key.cc
  PROPERTIES COMPILE_DEFINITIONS OPENSSL_API_COMPAT=0x10101000L)
