// A temporary directory removed (recursively) when the object goes away
// (kept when the environment has EVPROV_KEEP_TEST_DIRS=1).
#pragma once

#include <string>

namespace evprov::test {

// The whole file as bytes; empty when it cannot be read.
std::string ReadTextFile(const std::string& path);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace evprov::test
