#include "sim/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace evprov::sim {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::Unavailable(what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("state: cannot create", tmp);
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Errno("state: cannot write", tmp);
      ::close(fd);
      return s;
    }
    done += static_cast<std::size_t>(n);
  }
  // No fsync: the simulated charger's crashes and reboots are process-level
  // events, which the page cache survives; the rename alone makes the new
  // state appear whole. (A real charger's flash write would be durable; the
  // simulator does not model a power loss of the machine it runs on, and
  // fsyncing every state change made a fleet of thousands disk-bound.)
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("state: cannot rename to", path);
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return Status::NotFound("state: no file '" + path + "'");
    return Status::Unavailable("state: cannot read '" + path + "'");
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace evprov::sim
