#include "support/cli_runner.h"

#include <iostream>
#include <sstream>

#include "evprov/cli/cli.h"

namespace evprov::test {

CliRun RunCli(const std::vector<std::string>& args) {
  return RunMain(&cli::Main, "evprov", args);
}

CliRun RunMain(int (*main_fn)(int, char**), const std::string& program,
               const std::vector<std::string>& args) {
  std::vector<std::string> storage = {program};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::ostringstream out, err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  CliRun run;
  run.exit_code = main_fn(static_cast<int>(storage.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace evprov::test
