#include "support/node_peer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace evprov::ocpp::test {
namespace {

std::string NodeModules() {
  return std::string(EVPROV_SOURCE_DIR) + "/third_party/npm/node_modules";
}

}  // namespace

bool NodePeer::Available() {
  if (!std::filesystem::exists(NodeModules() + "/ocpp-rpc/package.json")) return false;
  return std::system("node --version >/dev/null 2>&1") == 0;
}

NodePeer::NodePeer(const std::string& script, const nlohmann::json& args) {
  int out_pipe[2];
  int in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(in_pipe, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  std::string path = std::string(EVPROV_SOURCE_DIR) + "/" + script;
  std::string arg = args.dump();
  std::string node_path = "NODE_PATH=" + NodeModules();
  std::vector<std::string> env_strings = {node_path};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("NODE_PATH=")) continue;
    env_strings.emplace_back(*e);
  }
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::string node = "node";
  std::vector<char*> argv = {node.data(), path.data(), arg.data(), nullptr};
  if (posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), env.data()) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(in_pipe[0]);
  out_fd_ = out_pipe[0];
  in_fd_ = in_pipe[1];
}

NodePeer::~NodePeer() {
  if (in_fd_ >= 0) close(in_fd_);  // the peer exits when its stdin ends
  if (pid_ > 0) {
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(10000);
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (out_fd_ >= 0) close(out_fd_);
}

std::optional<nlohmann::json> NodePeer::NextLine(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) j = nlohmann::json{{"event", "raw"}, {"text", line}};
      lines_.push_back(j);
      return j;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_fd_ < 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<nlohmann::json> NodePeer::WaitFor(const std::string& event,
                                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = NextLine(left);
    if (!line) return std::nullopt;
    if ((*line)["event"] == event) return line;
  }
}

std::vector<nlohmann::json> NodePeer::InboundFrames() const {
  std::vector<nlohmann::json> out;
  for (const auto& l : lines_) {
    if (l["event"] != "in") continue;
    auto j = nlohmann::json::parse(l["message"].get<std::string>(), nullptr, false);
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

}  // namespace evprov::ocpp::test
