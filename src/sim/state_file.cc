#include "sim/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "evprov/ocpp/payload_text.h"

namespace evprov::sim {
namespace {

constexpr const char* kGeneration = "generation";

Status Errno(const std::string& what, const std::string& path) {
  return Status::Unavailable(what + " '" + path + "': " + std::strerror(errno));
}

// Overwrites the file open as `fd` from offset 0 with `contents` (never
// shorter than the file: the caller pads).
Status WriteInPlace(int fd, const std::string& path, const std::string& contents) {
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t n =
        ::pwrite(fd, contents.data() + done, contents.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("state: cannot write", path);
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

StateBanks::StateBanks(std::string dir) : dir_(std::move(dir)) {}

StateBanks::~StateBanks() {
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
}

std::string StateBanks::Path(int bank) const {
  return dir_ + "/state." + std::to_string(bank) + ".json";
}

std::string StateBanks::current_path() const {
  return Path(current_ < 0 ? 0 : current_);
}

Result<nlohmann::json> StateBanks::Load() {
  nlohmann::json newest;
  int newest_bank = -1;
  int present = 0;
  for (int bank = 0; bank < 2; ++bank) {
    auto text = ReadWholeFile(Path(bank));
    if (!text.ok()) {
      if (text.status().code() == StatusCode::kNotFound) continue;
      return text.status();
    }
    ++present;
    sizes_[bank] = text->size();
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains(kGeneration) ||
        !j[kGeneration].is_number_integer()) {
      continue;  // torn or foreign: the other bank decides
    }
    if (newest_bank < 0 || j[kGeneration].get<std::int64_t>() > generation_) {
      generation_ = j[kGeneration].get<std::int64_t>();
      newest_bank = bank;
      newest = std::move(j);
    }
  }
  if (present == 0) return Status::NotFound("state: no bank in '" + dir_ + "'");
  if (newest_bank < 0) {
    return Status::InvalidArgument("state '" + Path(0) + "', '" + Path(1) +
                                   "': no bank holds a whole state (malformed JSON)");
  }
  current_ = newest_bank;
  return newest;
}

Status StateBanks::Store(nlohmann::json state) {
  const int bank = current_ == 0 ? 1 : 0;
  state[kGeneration] = generation_ + 1;
  std::string text = ocpp::JsonText(state);
  text += '\n';
  if (text.size() < sizes_[bank]) text.append(sizes_[bank] - text.size(), ' ');
  const std::string path = Path(bank);
  if (fds_[bank] < 0) {
    fds_[bank] = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fds_[bank] < 0) return Errno("state: cannot open", path);
  }
  EVPROV_TRY(WriteInPlace(fds_[bank], path, text));
  sizes_[bank] = text.size();
  generation_ += 1;
  current_ = bank;
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
