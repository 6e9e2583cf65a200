// The `evprov` command line. Exit codes: 0 ok, 1 failure, 2 usage error.
#pragma once

namespace evprov::cli {

// Parses argv, runs the command, returns the process exit code. Output goes to
// stdout, errors to stderr as one line ("evprov: <field>: <reason>").
int Main(int argc, char** argv);

}  // namespace evprov::cli
