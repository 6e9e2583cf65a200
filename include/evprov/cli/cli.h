// The `evprov` command line. Exit codes: 0 ok, 1 failure, 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace evprov::cli {

// Parses argv, runs the command, returns the process exit code. Output goes to
// stdout, errors to stderr as one line ("evprov: <field>: <reason>").
int Main(int argc, char** argv);

struct CapturedRun {
  int exit_code = -1;
  std::string out;  // what went to std::cout
  std::string err;  // what went to std::cerr
};

// Runs a main function (Main, or evprov-sim's) in this process with argv
// (argv[0] is the program name), capturing std::cout and std::cerr. The demo
// runs evprov's own commands this way; so do the CLI tests.
// Thread-safety: swaps the global streams' buffers; one call at a time.
CapturedRun RunCapturing(int (*main_fn)(int, char**), std::vector<std::string> argv);

}  // namespace evprov::cli
