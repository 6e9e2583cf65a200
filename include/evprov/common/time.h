// Wall-clock helpers. All timestamps evprov stores or prints are UTC RFC 3339.
#pragma once

#include <chrono>
#include <string>

namespace evprov {

// "2026-11-24T02:05:01Z" (with_millis: "2026-11-24T02:05:01.123Z").
std::string FormatUtc(std::chrono::system_clock::time_point t, bool with_millis = false);
inline std::string NowUtc(bool with_millis = false) {
  return FormatUtc(std::chrono::system_clock::now(), with_millis);
}

}  // namespace evprov
