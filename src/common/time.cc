#include "evprov/common/time.h"

#include <cstdio>
#include <ctime>

namespace evprov {

std::string FormatUtc(std::chrono::system_clock::time_point t, bool with_millis) {
  using std::chrono::system_clock;
  std::time_t secs = system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (with_millis) {
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(ms));
  }
  std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}

}  // namespace evprov
