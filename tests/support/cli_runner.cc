#include "support/cli_runner.h"

#include "evprov/cli/cli.h"

namespace evprov::test {

CliRun RunCli(const std::vector<std::string>& args) {
  return RunMain(&cli::Main, "evprov", args);
}

CliRun RunMain(int (*main_fn)(int, char**), const std::string& program,
               const std::vector<std::string>& args) {
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  cli::CapturedRun run = cli::RunCapturing(main_fn, std::move(argv));
  return {run.exit_code, std::move(run.out), std::move(run.err)};
}

}  // namespace evprov::test
