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

}  // namespace evprov::test
