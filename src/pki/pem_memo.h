// Internal: certificates and software keys parsed once per PEM text.
//
// OpenSSL 3 builds a decoder chain for every PEM it parses (0.1–0.4 ms for a
// P-256 certificate or key here), and a fleet or a station sees the same PEM
// again and again: every unit's copy of the CSMS root, the station's chain,
// a unit's key for its CSR, for the check of its certificate and for its TLS
// connection. Parsed certificates and keys are reference-counted and never
// modified after parsing, so one parsed copy per PEM text is shared.
//
// Thread-safe. Bounded: each memo is emptied when it reaches kMaxEntries
// (handles already given out stay valid). A key's PEM is a secret: it is
// kept only as the memo's map key, in this process's memory, like the parsed
// key itself; it is never logged.
#pragma once

#include <string_view>
#include <vector>

#include "pki/ossl.h"

namespace evprov::pki::ossl {

inline constexpr std::size_t kPemMemoMaxEntries = 8192;

// The first certificate in the text; nullptr when there is none.
X509Ptr MemoCert(std::string_view pem);
// Every certificate in the text, in order (each PEM block memoized on its
// own, so a chain's shared CA certificates are parsed once); at most 16.
std::vector<X509Ptr> MemoCerts(std::string_view pem);
// A private key in software (PKCS#8 or traditional PEM, unencrypted);
// nullptr when the text is not one. Not for keys held by a provider such as
// a TPM: their handles are live objects.
PKey MemoKey(std::string_view pem);
// Records a key this process made and encoded as pem, so that reading pem
// back does not parse it.
void MemoRememberKey(std::string_view pem, EVP_PKEY* key);

}  // namespace evprov::pki::ossl
