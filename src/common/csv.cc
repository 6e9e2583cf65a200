#include "evprov/common/csv.h"

namespace evprov::csv {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// A cursor over the text that knows its line and column.
class Reader {
 public:
  Reader(std::string_view text, const ReadOptions& options) : text_(text), options_(options) {}

  Result<std::vector<Record>> All() {
    std::vector<Record> records;
    while (pos_ < text_.size()) {
      if (SkipsLine()) {
        SkipLine();
        continue;
      }
      Record record;
      record.line = line_;
      EVPROV_TRY(ReadRecord(record.fields));
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  std::string Where(int line, int column) const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }
  int column() const { return static_cast<int>(pos_ - line_start_) + 1; }
  bool AtLineEnd() const {
    return pos_ >= text_.size() || text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ||
           (text_[pos_] == '\r' && pos_ + 1 == text_.size());
  }
  // Past the line end at pos_ (CRLF, LF, or a CR that ends the text).
  void EndLine() {
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
    line_start_ = pos_;
  }
  std::string_view RestOfLine() const {
    std::size_t end = text_.find('\n', pos_);
    return text_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
  }
  bool SkipsLine() const {
    std::string_view line = RestOfLine();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = TrimBlanks(line);
    if (options_.skip_blank_lines && line.empty()) return true;
    return options_.comment != '\0' && !line.empty() && line.front() == options_.comment;
  }
  void SkipLine() {
    pos_ += RestOfLine().size();
    EndLine();
  }

  Status ReadRecord(std::vector<std::string>& fields) {
    while (true) {
      std::string field;
      EVPROV_TRY(ReadField(field));
      fields.push_back(std::move(field));
      if (AtLineEnd()) {
        EndLine();
        return Status::Ok();
      }
      ++pos_;  // the ',' (ReadField stops only there or at a line end)
    }
  }

  Status ReadField(std::string& out) {
    std::size_t start = pos_;
    while (pos_ < text_.size() && IsBlank(text_[pos_]) && options_.trim_unquoted) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') return ReadQuoted(out);
    pos_ = start;
    while (!AtLineEnd() && text_[pos_] != ',') {
      if (text_[pos_] == '"') {
        return Status::InvalidArgument(Where(line_, column()) +
                                       ": a quote inside an unquoted field (quote the field and "
                                       "double the quote)");
      }
      ++pos_;
    }
    std::string_view value = text_.substr(start, pos_ - start);
    out = options_.trim_unquoted ? TrimBlanks(value) : value;
    return Status::Ok();
  }

  Status ReadQuoted(std::string& out) {
    const int open_line = line_;
    const int open_column = column();
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        return Status::InvalidArgument(Where(open_line, open_column) +
                                       ": unterminated quoted field");
      }
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          out += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      out += c;
      ++pos_;
      if (c == '\n') {
        ++line_;
        line_start_ = pos_;
      }
    }
    while (options_.trim_unquoted && pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
    if (!AtLineEnd() && text_[pos_] != ',') {
      return Status::InvalidArgument(Where(line_, column()) +
                                     ": text after the closing quote of a field");
    }
    return Status::Ok();
  }

  std::string_view text_;
  ReadOptions options_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<Record>> Parse(std::string_view text, const ReadOptions& options) {
  return Reader(text, options).All();
}

void AppendField(std::string& out, std::string_view value) {
  bool quote =
      value.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!value.empty() && (IsBlank(value.front()) || IsBlank(value.back()) || value.front() == '#'));
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRecord(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ',';
    first = false;
    AppendField(out, f);
  }
  out += '\n';
}

}  // namespace evprov::csv
