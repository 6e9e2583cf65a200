// The demo's certificate authorities: a throw-away PKI for `evprov demo` and
// the end-to-end tests that run the demo's flow.
//
// Staging gets file keys (a random passphrase in an environment variable of
// this process); production refuses file keys, so its CA keys are generated
// in a SoftHSM2 token created in the demo directory (a random PIN, also only
// in this process's environment). Nothing here is fit for a real factory:
// real CAs are made once by the security officer with `evprov ca init`.
//
// Thread-safety: call from one thread, before any other thread reads the
// process environment (setenv).
#pragma once

#include <string>

#include "evprov/common/status.h"
#include "evprov/pki/signer.h"

namespace evprov::cli {

struct DemoKeys {
  pki::KeySpec staging_root;
  pki::KeySpec staging_issuing;
  pki::KeySpec production_root;
  pki::KeySpec production_issuing;
};

// Creates the passphrase, the SoftHSM2 token under dir/softhsm and the four
// keys. kUnavailable naming the tool when softhsm2-util or pkcs11-tool fail.
Result<DemoKeys> PrepareDemoKeys(const std::string& dir);

}  // namespace evprov::cli
