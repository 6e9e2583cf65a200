// log::Enabled agrees with what Write lets through, at every level.
#include "evprov/common/log.h"

#include <gtest/gtest.h>

namespace evprov::log {
namespace {

TEST(LogTest, EnabledMatchesTheLinesWritten) {
  ScopedCapture capture;
  for (Level threshold : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    SetLevel(threshold);
    for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
      const auto before = capture.sink().Lines().size();
      Write(level, "log.test");
      const bool written = capture.sink().Lines().size() > before;
      EXPECT_EQ(Enabled(level), written)
          << "threshold " << static_cast<int>(threshold) << ", level " << static_cast<int>(level);
    }
  }
  SetLevel(Level::kWarn);
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
}

}  // namespace
}  // namespace evprov::log
