// What the benchmarks share: a quiet shell command, reading a file, and a
// throwaway PKI made with the openssl CLI in a temp directory. Keys are EC
// P-256, made at run time; nothing is ever committed.
//
//   evprov::bench::TempPki pki;
//   bool ok = pki.Root("root", "bench-root") &&
//             pki.Issue("issuing", "bench-issuing", "root", TempPki::kCa) &&
//             pki.Issue("server", "localhost", "issuing", TempPki::kLeaf) &&
//             pki.Concat("server-chain", {"server", "issuing"});
//   pki.File("server-chain.pem"), pki.File("server.key"), ...
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

namespace evprov::bench {

// Runs a shell command with its output discarded; true when it exits 0.
inline bool RunQuiet(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// The whole file ("" when it cannot be read).
inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Keys and certificates in a temp directory that goes with the object:
// <name>.key and <name>.pem. Every step returns false when openssl fails.
class TempPki {
 public:
  enum Kind { kCa, kLeaf };  // a leaf is for DNS:localhost and IP:127.0.0.1

  TempPki() {
    dir_ = (std::filesystem::temp_directory_path() / "evprov-bench-pki-XXXXXX").string();
    if (mkdtemp(dir_.data()) == nullptr) std::abort();
  }
  ~TempPki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempPki(const TempPki&) = delete;
  TempPki& operator=(const TempPki&) = delete;

  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  // A self-signed CA.
  bool Root(const std::string& name, const std::string& common_name) {
    return Key(name) && RunQuiet("openssl req -x509 -new -key " + File(name + ".key") +
                                 " -subj /CN=" + common_name +
                                 " -days 2 -addext basicConstraints=critical,CA:TRUE"
                                 " -addext keyUsage=critical,keyCertSign,cRLSign -out " +
                                 File(name + ".pem"));
  }

  // A CA or a leaf certificate signed by the CA `ca`.
  bool Issue(const std::string& name, const std::string& common_name, const std::string& ca,
             Kind kind) {
    const std::string ext = File(name + ".ext");
    std::ofstream(ext) << (kind == kCa ? "basicConstraints=critical,CA:TRUE\n"
                                         "keyUsage=critical,keyCertSign,cRLSign\n"
                                       : "basicConstraints=CA:FALSE\n"
                                         "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    return Key(name) &&
           RunQuiet("openssl req -new -key " + File(name + ".key") + " -subj /CN=" + common_name +
                    " -out " + File(name + ".csr")) &&
           RunQuiet("openssl x509 -req -in " + File(name + ".csr") + " -CA " + File(ca + ".pem") +
                    " -CAkey " + File(ca + ".key") + " -CAcreateserial -days 2 -extfile " + ext +
                    " -out " + File(name + ".pem"));
  }

  // <name>.pem: the certificates of `parts`, in that order (a chain, leaf first).
  bool Concat(const std::string& name, std::initializer_list<std::string> parts) {
    std::ofstream out(File(name + ".pem"));
    for (const std::string& part : parts) out << ReadText(File(part + ".pem"));
    return static_cast<bool>(out);
  }

 private:
  bool Key(const std::string& name) {
    return RunQuiet("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                    File(name + ".key"));
  }

  std::string dir_;
};

}  // namespace evprov::bench
