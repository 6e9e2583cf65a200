// CSV per RFC 4180, shared by every reader and writer of CSV in evprov (the
// simulator's fleet manifest; `evprov unit register-batch --manifest`).
//
// Reading: fields separated by ',', records by CRLF or LF; a field in double
// quotes may hold ',', CR, LF and doubled quotes ("" for "). A quote that is
// never closed, or text after a closing quote, is an error naming the line and
// column (1-based, of the input text). Options add what manifests allow beyond
// the RFC: blank lines and '#' comment lines skipped, unquoted fields trimmed.
// Writing: a field is quoted when it holds ',', '"', CR or LF, begins or ends
// with a space or tab (so a trimming reader keeps it), or begins with '#' (so
// a record is never read as a comment line); quotes are doubled; records end
// with LF.
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::csv {

struct ReadOptions {
  bool skip_blank_lines = true;  // a line with nothing on it is no record
  char comment = '\0';           // e.g. '#': a line starting with it (after blanks) is no record
  bool trim_unquoted = false;    // strip spaces/tabs around unquoted fields
};

struct Record {
  int line = 0;  // 1-based line of the input where the record starts
  std::vector<std::string> fields;
};

Result<std::vector<Record>> Parse(std::string_view text, const ReadOptions& options = {});

// Appends one field, quoted when it needs to be.
void AppendField(std::string& out, std::string_view value);
// Appends fields separated by ',' and a LF.
void AppendRecord(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace evprov::csv
