// Runs the `evprov` command line in-process and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace evprov::test {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Calls cli::Main with "evprov" followed by args.
CliRun RunCli(const std::vector<std::string>& args);

// Calls main_fn with program followed by args, capturing std::cout/std::cerr.
CliRun RunMain(int (*main_fn)(int, char**), const std::string& program,
               const std::vector<std::string>& args);

}  // namespace evprov::test
