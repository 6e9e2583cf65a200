// Runs a Node.js test peer (e.g. tests/ocpp/peers/charger.js, an ocpp-rpc
// charging station) as a child process and reads the JSON lines it prints.
// NODE_PATH points at third_party/npm/node_modules. The child gets its arguments
// as one JSON object; closing its stdin (or destroying the NodePeer) makes it
// exit; it also has its own watchdog.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace evprov::ocpp::test {

class NodePeer {
 public:
  // True when `node` and the npm packages are available.
  static bool Available();

  // script: path relative to the source tree ("tests/ocpp/peers/csms.js").
  NodePeer(const std::string& script, const nlohmann::json& args);
  ~NodePeer();
  NodePeer(const NodePeer&) = delete;
  NodePeer& operator=(const NodePeer&) = delete;

  // The next line, or nullopt at timeout or end of output.
  std::optional<nlohmann::json> NextLine(std::chrono::milliseconds timeout);
  // Reads lines until one has "event" == event; nullopt at timeout/end.
  std::optional<nlohmann::json> WaitFor(const std::string& event,
                                        std::chrono::milliseconds timeout);
  // Every line read so far.
  const std::vector<nlohmann::json>& lines() const { return lines_; }
  // The inbound frames the peer reported ("in" events), parsed.
  std::vector<nlohmann::json> InboundFrames() const;

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::string buffer_;
  std::vector<nlohmann::json> lines_;
};

}  // namespace evprov::ocpp::test
