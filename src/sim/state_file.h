// The simulated charger's "flash" and the whole-file reads of the simulator.
// Private to src/sim.
//
// StateBanks keeps a charger's state in two bank files in its state directory,
// state.0.json and state.1.json, written in place and alternately: a write
// goes to the bank that does not hold the newest good copy, so a write torn
// by a killed process leaves the previous state readable (as a charger with a
// dual-bank flash does). Each bank holds one JSON object with a "generation"
// counter, padded with whitespace to its previous length instead of being
// truncated. No rename and no truncation: on ext4 both force the file's data
// to disk at once, which made a fleet of thousands disk-bound. No fsync
// either: the simulator's crashes and reboots are process-level events,
// which the page cache survives. Each bank file is opened on its first write
// and kept open until the StateBanks is destroyed (two descriptors per
// charger): a fleet saves its state about 20 times per unit, and opening and
// closing the file each time was about a quarter of that cost.
// Thread-safety: none; one StateBanks per charger, used on its strand.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "evprov/common/status.h"

namespace evprov::sim {

class StateBanks {
 public:
  explicit StateBanks(std::string dir);
  ~StateBanks();
  StateBanks(const StateBanks&) = delete;
  StateBanks& operator=(const StateBanks&) = delete;

  // The newest bank whose contents parse as a JSON object with a generation;
  // NotFound when neither bank exists; InvalidArgument naming both files when
  // no bank is readable.
  Result<nlohmann::json> Load();
  // Writes `state` (with "generation" set to the next one) to the other bank.
  Status Store(nlohmann::json state);
  // The bank the last Load or Store used (state.0.json before either).
  std::string current_path() const;

 private:
  std::string Path(int bank) const;

  std::string dir_;
  int current_ = -1;  // none yet: the first Store writes bank 0
  std::int64_t generation_ = 0;
  std::size_t sizes_[2] = {0, 0};
  int fds_[2] = {-1, -1};  // open for writing once written
};

// NotFound when the file does not exist.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace evprov::sim
