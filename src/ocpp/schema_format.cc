#include "ocpp/schema_format.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ocpp/schema_valijson.h"

namespace evprov::ocpp::internal {
namespace {

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

bool IsLeapYear(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// "YYYY-MM-DD"
bool IsFullDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!IsDigits(s.substr(0, 4)) || !IsDigits(s.substr(5, 2)) || !IsDigits(s.substr(8, 2))) {
    return false;
  }
  static constexpr int kDays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = Number(s.substr(0, 4));
  const int month = Number(s.substr(5, 2));
  const int day = Number(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  const int max_day = (month == 2 && IsLeapYear(year)) ? 29 : kDays[month];
  return day <= max_day;
}

// "hh:mm" with hh <= 23 and mm <= 59.
bool IsHourMinute(std::string_view s) {
  return s.size() == 5 && s[2] == ':' && IsDigits(s.substr(0, 2)) && IsDigits(s.substr(3, 2)) &&
         Number(s.substr(0, 2)) <= 23 && Number(s.substr(3, 2)) <= 59;
}

// "hh:mm:ss[.frac](Z|z|+hh:mm|-hh:mm)"
bool IsFullTime(std::string_view s) {
  if (s.size() < 9 || s[5] != ':' || !IsHourMinute(s.substr(0, 5)) || !IsDigits(s.substr(6, 2))) {
    return false;
  }
  const int hour = Number(s.substr(0, 2));
  const int minute = Number(s.substr(3, 2));
  const int second = Number(s.substr(6, 2));
  if (second > 60 || (second == 60 && (hour != 23 || minute != 59))) return false;
  std::string_view rest = s.substr(8);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return false;  // a dot without digits
    rest.remove_prefix(n);
  }
  if (rest == "Z" || rest == "z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && IsHourMinute(rest.substr(1));
}

class DateTimeConstraint : public valijson::constraints::PolyConstraint {
 public:
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;  // "format" constrains strings only
    if (IsRfc3339DateTime(target.getString())) return true;
    if (results != nullptr) results->pushError(context, std::string(kDateTimeError));
    return false;
  }

 private:
  Constraint* cloneInto(void* memory) const override {
    return new (memory) DateTimeConstraint(*this);
  }
  size_t sizeOf() const override { return sizeof(DateTimeConstraint); }
};

class AnnotationConstraint : public valijson::constraints::PolyConstraint {
 public:
  bool validate(const valijson::adapters::Adapter& /*target*/,
                const std::vector<std::string>& /*context*/,
                valijson::ValidationResults* /*results*/) const override {
    return true;
  }

 private:
  Constraint* cloneInto(void* memory) const override {
    return new (memory) AnnotationConstraint(*this);
  }
  size_t sizeOf() const override { return sizeof(AnnotationConstraint); }
};

class FormatConstraintBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    if (value.isString() && value.getString() == "date-time") return new DateTimeConstraint();
    return new AnnotationConstraint();
  }
};

}  // namespace

bool IsRfc3339DateTime(std::string_view text) {
  if (text.size() < 20) return false;  // "YYYY-MM-DDThh:mm:ssZ"
  const char sep = text[10];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  return IsFullDate(text.substr(0, 10)) && IsFullTime(text.substr(11));
}

void RenameFormatKeyword(nlohmann::json& schema) {
  if (schema.is_array()) {
    for (auto& item : schema) RenameFormatKeyword(item);
    return;
  }
  if (!schema.is_object()) return;
  auto it = schema.find("format");
  if (it != schema.end() && it->is_string()) {
    nlohmann::json value = std::move(*it);
    schema.erase(it);
    schema[std::string(kFormatKeyword)] = std::move(value);
  }
  for (auto& [key, value] : schema.items()) RenameFormatKeyword(value);
}

void AddFormatConstraint(valijson::SchemaParser& parser) {
  // The parser owns and deletes its builders.
  parser.addConstraintBuilder(std::string(kFormatKeyword), new FormatConstraintBuilder());
}

}  // namespace evprov::ocpp::internal
