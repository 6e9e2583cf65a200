// The HSM backend: keys in a PKCS#11 token through libp11's "pkcs11" ENGINE.
//
// The ENGINE API is deprecated in OpenSSL 3 (and the pkcs11 provider is not
// packaged in Debian 12), so every ENGINE call lives in this one file, which
// part.cmake compiles with OPENSSL_API_COMPAT=0x10101000L. The engine loads
// one module per process (the first KeySpec's module_path) and keeps one
// logged-in session per token, so signing costs no login.
#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <map>
#include <mutex>

#include "pki/key_handle.h"

namespace evprov::pki {
namespace {

struct EngineState {
  std::mutex mu;
  ENGINE* engine = nullptr;  // functional reference, kept for the process
  std::string module_path;
  // A token stays logged in once a login succeeded, and libp11 then accepts
  // any PIN. To keep the PIN meaningful, remember a keyed tag of the PIN that
  // logged in (key random per process, so the tag reveals nothing) and refuse
  // a different PIN for that token.
  unsigned char tag_key[32] = {0};
  std::map<std::string, std::string> pin_tags;  // token label -> tag
};

EngineState& State() {
  static EngineState* state = new EngineState();  // never destroyed: keys outlive statics
  return *state;
}

// REQUIRES: state.mu held.
Status EnsureEngine(EngineState& state, const std::string& module_path) {
  if (state.engine != nullptr) {
    if (state.module_path != module_path) {
      return Status::FailedPrecondition("key.module_path: this process already uses '" +
                                        state.module_path + "'");
    }
    return Status::Ok();
  }
  ENGINE_load_builtin_engines();
  ENGINE* e = ENGINE_by_id("pkcs11");
  if (e == nullptr) {
    return ossl::Error(StatusCode::kFailedPrecondition, "key.backend",
                       "the pkcs11 engine is not installed (libengine-pkcs11-openssl)");
  }
  if (ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module_path.c_str(), 0) != 1 ||
      ENGINE_init(e) != 1) {
    ENGINE_free(e);
    return ossl::Error(StatusCode::kFailedPrecondition, "key.module_path",
                       "cannot load '" + module_path + "'");
  }
  ENGINE_free(e);  // ENGINE_init holds the functional reference
  if (RAND_bytes(state.tag_key, sizeof state.tag_key) != 1) {
    return ossl::Error(StatusCode::kInternal, "key", "the CSPRNG failed");
  }
  state.engine = e;
  state.module_path = module_path;
  return Status::Ok();
}

std::string PinTag(EngineState& state, const SecretString& pin) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), state.tag_key, sizeof state.tag_key,
       reinterpret_cast<const unsigned char*>(pin.reveal().data()), pin.reveal().size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Uri(const KeySpec& spec, std::string_view type) {
  return "pkcs11:token=" + spec.token_label + ";object=" + spec.object_label +
         ";type=" + std::string(type);
}

}  // namespace

Result<Pkcs11Key> LoadPkcs11Key(const KeySpec& spec, const SecretString& pin) {
  EngineState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  EVPROV_TRY(EnsureEngine(state, spec.module_path));
  std::string tag = PinTag(state, pin);
  auto known = state.pin_tags.find(spec.token_label);
  if (known != state.pin_tags.end() &&
      (known->second.size() != tag.size() ||
       CRYPTO_memcmp(known->second.data(), tag.data(), tag.size()) != 0)) {
    return Status::PermissionDenied("key.secret: wrong PIN for token '" + spec.token_label + "'");
  }
  if (ENGINE_ctrl_cmd_string(state.engine, "PIN", pin.reveal().c_str(), 0) != 1) {
    return ossl::Error(StatusCode::kInternal, "key.secret", "the engine refused the PIN");
  }
  Pkcs11Key out;
  out.key.reset(
      ENGINE_load_private_key(state.engine, Uri(spec, "private").c_str(), nullptr, nullptr));
  ENGINE_ctrl_cmd_string(state.engine, "PIN", "", 0);  // keep no copy in the engine
  if (!out.key) {
    return ossl::Error(StatusCode::kNotFound, "key",
                       "no private key '" + spec.object_label + "' in token '" + spec.token_label +
                           "' (or the PIN is wrong)");
  }
  state.pin_tags.emplace(spec.token_label, tag);
  out.spki_der = ossl::SpkiDer(out.key.get());
  if (out.spki_der.empty()) {
    ossl::TakeErrors();
    ossl::PKey pub(
        ENGINE_load_public_key(state.engine, Uri(spec, "public").c_str(), nullptr, nullptr));
    if (pub) out.spki_der = ossl::SpkiDer(pub.get());
  }
  if (out.spki_der.empty()) {
    return ossl::Error(
        StatusCode::kNotFound, "key",
        "no public key '" + spec.object_label + "' in token '" + spec.token_label + "'");
  }
  return out;
}

}  // namespace evprov::pki
