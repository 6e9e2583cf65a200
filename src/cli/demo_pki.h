// The demo's certificate authorities: a throw-away PKI for `evprov demo` and
// the end-to-end tests that run the demo's flow.
//
// Staging gets file keys (a random passphrase in a 0600 file of the demo
// directory); production refuses file keys, so its CA keys are generated in a
// SoftHSM2 token created in the demo directory (a random PIN, in a 0600 file).
// Sets SOFTHSM2_CONF for this process. Nothing here is fit for a real factory:
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
  // Files (0600) with the file keys' passphrase and the token's user PIN:
  // the demo's station may run in another process (`evprov serve`), which
  // also needs SOFTHSM2_CONF=softhsm_conf in its environment.
  std::string file_secret;
  std::string hsm_pin;
  std::string softhsm_conf;
  pki::KeySpec staging_root;
  pki::KeySpec staging_issuing;
  pki::KeySpec production_root;
  pki::KeySpec production_issuing;
};

// Creates the passphrase, the SoftHSM2 token under dir/softhsm and the four
// keys. kUnavailable naming the tool when softhsm2-util or pkcs11-tool fail.
Result<DemoKeys> PrepareDemoKeys(const std::string& dir);

}  // namespace evprov::cli
