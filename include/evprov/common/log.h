// Structured logging: one JSON object per line ("JSON lines").
//
//   log::Info("unit.admitted", {{"hardware_id", hw}, {"step", "identify"}});
//   -> {"ts":"2026-11-24T02:05:01.123Z","level":"info","event":"unit.admitted",
//       "hardware_id":"HW-1","step":"identify"}
//
// Rules: events are dotted lower-case names; fields never carry secrets (PINs,
// passwords, private keys, bootstrap secrets): pass a fingerprint instead.
// Tests assert this with a CaptureSink.
//
// Thread-safety: all functions may be called from any thread. The sink is
// swapped atomically; a sink's Write may be called concurrently.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace evprov::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Value = std::variant<std::string_view, std::int64_t, double, bool>;
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  std::string_view key;
  Value value;
};

// Where log lines go. Write receives one complete JSON object without newline.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(std::string_view line) = 0;
};

// Writes lines to stderr (the default sink).
std::shared_ptr<Sink> StderrSink();

// Keeps every line in memory; for tests.
class CaptureSink : public Sink {
 public:
  void Write(std::string_view line) override;
  std::vector<std::string> Lines() const;
  std::string Joined() const;  // all lines, newline-separated

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Replaces the process-wide sink; returns the previous one. nullptr = discard.
std::shared_ptr<Sink> SetSink(std::shared_ptr<Sink> sink);
void SetLevel(Level level);
Level GetLevel();
// Whether a line of `level` would be written: for fields that cost work to compute.
inline bool Enabled(Level level) {
  return level >= GetLevel();
}
// Parses "debug|info|warn|error"; returns false on anything else.
bool ParseLevel(std::string_view text, Level* level);

void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, e, f);
}
inline void Info(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, e, f);
}
inline void Warn(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, e, f);
}
inline void Error(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kError, e, f);
}

// Installs a CaptureSink for the lifetime of the object and restores the previous sink.
class ScopedCapture {
 public:
  ScopedCapture();
  ~ScopedCapture();
  ScopedCapture(const ScopedCapture&) = delete;
  ScopedCapture& operator=(const ScopedCapture&) = delete;
  const CaptureSink& sink() const { return *capture_; }

 private:
  std::shared_ptr<CaptureSink> capture_;
  std::shared_ptr<Sink> previous_;
  Level previous_level_;
};

}  // namespace evprov::log
