#include "evprov/common/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

namespace evprov {
namespace {

Status Redirect(posix_spawn_file_actions_t* actions, int fd, const std::string& file, bool append) {
  if (file.empty()) return Status::Ok();
  // Not O_CLOEXEC: the file must stay open as the child's fd across exec.
  int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  if (posix_spawn_file_actions_addopen(actions, fd, file.c_str(), flags, 0600) != 0) {
    return Status::Unavailable("cannot redirect to " + file);
  }
  return Status::Ok();
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                         const ChildOptions& options) {
  if (argv.empty()) return Status::InvalidArgument("process: no program given");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  Status redirected = Redirect(&actions, STDOUT_FILENO, options.stdout_file, options.append);
  if (redirected.ok()) {
    redirected = Redirect(&actions, STDERR_FILENO, options.stderr_file, options.append);
  }
  if (!redirected.ok()) {
    posix_spawn_file_actions_destroy(&actions);
    return redirected;
  }
  // The child starts with default signal handling and an empty mask, whatever
  // the parent blocks (evprov serve blocks SIGTERM for sigwait).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Status::Unavailable("process: cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), exit_code_(other.exit_code_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    this->~ChildProcess();
    pid_ = other.pid_;
    exit_code_ = other.exit_code_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || exit_code_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) exit_code_ = DecodeStatus(status);
  return !exit_code_;
}

bool ChildProcess::Signal(int signal_number) {
  return running() && kill(pid_, signal_number) == 0;
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::string ExecutableDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

}  // namespace evprov
