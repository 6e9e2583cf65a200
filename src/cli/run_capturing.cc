#include <iostream>
#include <sstream>

#include "evprov/cli/cli.h"

namespace evprov::cli {

CapturedRun RunCapturing(int (*main_fn)(int, char**), std::vector<std::string> argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  CapturedRun run;
  run.exit_code = main_fn(static_cast<int>(argv.size()), args.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace evprov::cli
