#include "evprov/common/log.h"

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "evprov/common/time.h"

namespace evprov::log {
namespace {

class StderrSinkImpl : public Sink {
 public:
  void Write(std::string_view line) override {
    std::string out(line);
    out += '\n';
    std::lock_guard<std::mutex> lock(mu_);
    std::fwrite(out.data(), 1, out.size(), stderr);
  }

 private:
  std::mutex mu_;
};

std::mutex& SinkMutex() {
  static std::mutex mu;
  return mu;
}
std::shared_ptr<Sink>& CurrentSink() {
  static std::shared_ptr<Sink> sink = StderrSink();
  return sink;
}
std::atomic<int>& CurrentLevel() {
  static std::atomic<int> level{static_cast<int>(Level::kInfo)};
  return level;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

std::shared_ptr<Sink> StderrSink() {
  static std::shared_ptr<Sink> sink = std::make_shared<StderrSinkImpl>();
  return sink;
}

void CaptureSink::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> CaptureSink::Lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::string CaptureSink::Joined() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& l : lines_) {
    out += l;
    out += '\n';
  }
  return out;
}

std::shared_ptr<Sink> SetSink(std::shared_ptr<Sink> sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  std::swap(CurrentSink(), sink);
  return sink;
}

void SetLevel(Level level) {
  CurrentLevel().store(static_cast<int>(level));
}
Level GetLevel() {
  return static_cast<Level>(CurrentLevel().load());
}

bool ParseLevel(std::string_view text, Level* level) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < CurrentLevel().load(std::memory_order_relaxed)) return;
  std::shared_ptr<Sink> sink;
  {
    std::lock_guard<std::mutex> lock(SinkMutex());
    sink = CurrentSink();
  }
  if (!sink) return;
  nlohmann::ordered_json j;
  j["ts"] = NowUtc(/*with_millis=*/true);
  j["level"] = LevelName(level);
  j["event"] = event;
  for (const Field& f : fields) {
    std::string key(f.key);
    std::visit([&](const auto& v) { j[key] = v; }, f.value);
  }
  sink->Write(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

ScopedCapture::ScopedCapture()
    : capture_(std::make_shared<CaptureSink>()), previous_level_(GetLevel()) {
  previous_ = SetSink(capture_);
  SetLevel(Level::kDebug);
}

ScopedCapture::~ScopedCapture() {
  SetSink(previous_);
  SetLevel(previous_level_);
}

}  // namespace evprov::log
