// Status and Result<T>: the one error currency of libevprov.
//
// Library functions never throw for expected failures; they return a Status
// (or a Result<T> holding either a value or a non-ok Status). Each edge
// translates once: the CLI into an exit code, the OCPP engine into a
// CALLERROR, the REST API into a problem document.
//
// A message names the field and the reason ("variant.model: longer than 20
// characters"); it never contains a secret.
//
// Thread-safety: Status and Result are values; const methods may be called
// from several threads without synchronisation.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace evprov {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the input is malformed or breaks a rule
  kNotFound,            // the thing named does not exist
  kAlreadyExists,       // a uniqueness rule would be broken
  kFailedPrecondition,  // the system is not in a state that allows this
  kPermissionDenied,    // the actor may not do this
  kUnauthenticated,     // the caller could not be identified
  kUnavailable,         // a peer or resource is temporarily unreachable; retry may help
  kDeadlineExceeded,    // a timeout expired
  kAborted,             // a conflict (e.g. a busy database); retry may help
  kInternal,            // a bug or a broken invariant
};

// Stable lower-case name of a code ("invalid_argument"), used in JSON output.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: variant.model: longer than 20 characters"
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; ok stays ok.
  Status WithContext(std::string_view context) const;

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a non-ok Status. Accessing value() of an error is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace evprov

// Early-return helpers. EVPROV_TRY(expr) returns the Status of expr if not ok.
// EVPROV_ASSIGN_OR_RETURN(lhs, expr) evaluates a Result, returns its Status on
// error, else moves its value into lhs (which may be a declaration).
#define EVPROV_TRY(expr)                             \
  do {                                               \
    ::evprov::Status evprov_status_ = (expr);        \
    if (!evprov_status_.ok()) return evprov_status_; \
  } while (0)

#define EVPROV_CONCAT_INNER_(a, b) a##b
#define EVPROV_CONCAT_(a, b) EVPROV_CONCAT_INNER_(a, b)
#define EVPROV_ASSIGN_OR_RETURN(lhs, expr) \
  EVPROV_ASSIGN_OR_RETURN_IMPL_(EVPROV_CONCAT_(evprov_result_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): lhs may be a declaration.
#define EVPROV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
