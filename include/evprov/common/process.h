// Child processes: start a program with arguments (no shell), optionally with
// its stdout/stderr going to files, wait for it with a bound, signal it.
// Used by `evprov demo` (the simulator fleet runs as its own process, as the
// chargers are other machines) and by the end-to-end tests that run and kill
// `evprov serve`.
//
// Ownership: a ChildProcess owns the child: destroying it kills (SIGKILL) and
// reaps a child that is still running.
// Thread-safety: one thread per ChildProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "evprov/common/status.h"

namespace evprov {

struct ChildOptions {
  std::string stdout_file;  // empty: inherit
  std::string stderr_file;  // empty: inherit
  bool append = false;      // append to the files instead of truncating them
};

class ChildProcess {
 public:
  // argv[0] is the program path. kUnavailable naming it when it cannot start.
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const ChildOptions& options = {});
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends a signal (SIGTERM, SIGKILL, ...); false when the child is gone.
  bool Signal(int signal_number);
  // Waits up to timeout; the exit code (128 + signal for a signalled child),
  // or nullopt if it is still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// The directory of the running executable (/proc/self/exe), for finding the
// programs built next to it.
std::string ExecutableDir();

}  // namespace evprov
