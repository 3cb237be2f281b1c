#include "data/csv.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "core/fs.h"
#include "core/strings.h"

namespace huracan::data {
namespace {

constexpr size_t kBinanceColumns = 12;
constexpr std::array<const char*, kBinanceColumns> kBinanceHeader = {"open_time",
                                                                     "open",
                                                                     "high",
                                                                     "low",
                                                                     "close",
                                                                     "volume",
                                                                     "close_time",
                                                                     "quote_volume",
                                                                     "count",
                                                                     "taker_buy_volume",
                                                                     "taker_buy_quote_volume",
                                                                     "ignore"};

// A CSV field without surrounding blanks, a trailing \r and enclosing double quotes.
std::string_view TrimField(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

void SplitFields(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out->push_back(TrimField(line.substr(start)));
      return;
    }
    out->push_back(TrimField(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  return out + "'";
}

struct Columns {
  size_t count = 0;  // fields per row
  size_t ts = 0, open = 1, high = 2, low = 3, close = 4, volume = 5;
};

Result<Columns> ColumnsFromHeader(const std::vector<std::string_view>& fields, const std::string& where,
                                  CsvLayout* layout) {
  std::vector<std::string> names;
  for (auto f : fields) names.push_back(Lower(f));
  auto find = [&](std::initializer_list<const char*> wanted) -> std::optional<size_t> {
    for (const char* w : wanted) {
      auto it = std::find(names.begin(), names.end(), w);
      if (it != names.end()) return static_cast<size_t>(it - names.begin());
    }
    return std::nullopt;
  };
  Columns c;
  c.count = names.size();
  auto ts = find({"timestamp", "timestamp_ms", "open_time"});
  if (!ts) return InvalidArgument(where + ": header has no timestamp column (expected 'timestamp' or 'open_time')");
  c.ts = *ts;
  struct Want {
    const char* name;
    size_t* slot;
  };
  for (Want w : {Want{"open", &c.open}, Want{"high", &c.high}, Want{"low", &c.low}, Want{"close", &c.close},
                 Want{"volume", &c.volume}}) {
    auto idx = find({w.name});
    if (!idx) return InvalidArgument(where + ": header has no '" + w.name + "' column");
    *w.slot = *idx;
  }
  bool binance = names.size() == kBinanceColumns;
  for (size_t i = 0; binance && i < kBinanceColumns; ++i) binance = names[i] == kBinanceHeader[i];
  *layout = binance ? CsvLayout::kBinance : CsvLayout::kGeneric;
  return c;
}

// A field that can only be a header: neither a number nor an ISO date.
bool LooksLikeHeader(std::string_view first_field) { return !ParseDouble(first_field) && !ParseIsoUtc(first_field); }

}  // namespace

Result<BarSeries> ParseCsvBars(std::string_view text, const std::string& name, CsvInfo* info_out) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  CsvInfo info;
  BarSeries bars;
  std::vector<std::string_view> fields;
  std::optional<Columns> cols;
  std::optional<EpochUnit> file_unit;
  size_t first_unit_line = 0;
  size_t line_no = 0;
  size_t pos = 0;
  bars.reserve(std::count(text.begin(), text.end(), '\n') + 1);
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (TrimField(line).empty()) continue;
    const std::string where = name + ":" + std::to_string(line_no);
    SplitFields(line, &fields);
    if (!cols) {
      if (LooksLikeHeader(fields[0])) {
        HURACAN_ASSIGN_OR_RETURN(cols, ColumnsFromHeader(fields, where, &info.layout));
        info.has_header = true;
        continue;
      }
      if (fields.size() != kBinanceColumns) {
        return InvalidArgument(where + ": no header and " + std::to_string(fields.size()) +
                               " fields; expected the 12-column Binance kline layout or a header naming "
                               "timestamp, open, high, low, close, volume");
      }
      cols = Columns{};
      cols->count = kBinanceColumns;
      info.layout = CsvLayout::kBinance;
    }
    if (fields.size() != cols->count) {
      return InvalidArgument(where + ": expected " + std::to_string(cols->count) + " fields, found " +
                             std::to_string(fields.size()));
    }
    // Timestamp: integer (unit by magnitude), integral decimal, or ISO-8601 UTC text.
    std::string_view ts_text = fields[cols->ts];
    int64_t ts_ms = 0;
    std::optional<int64_t> ts_int = ParseInt(ts_text);
    if (!ts_int) {
      if (auto d = ParseDouble(ts_text); d && std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 9.2e18)
        ts_int = static_cast<int64_t>(*d);
    }
    if (ts_int) {
      std::optional<EpochUnit> unit = DetectEpochUnit(*ts_int);
      if (!unit) {
        return InvalidArgument(where + ": timestamp " + Quote(ts_text) +
                               " is not an epoch time between 2000 and 2100 in s, ms, us or ns");
      }
      if (!file_unit) {
        file_unit = unit;
        first_unit_line = line_no;
      } else if (*unit != *file_unit) {
        return InvalidArgument(where + ": timestamp " + Quote(ts_text) + " is in " + EpochUnitName(*unit) +
                               " but line " + std::to_string(first_unit_line) + " was in " + EpochUnitName(*file_unit) +
                               " (mixed units in one file)");
      }
      ts_ms = ToEpochMs(*ts_int, *unit);
    } else if (auto iso = ParseIsoUtc(ts_text)) {
      ts_ms = *iso;
      info.iso_timestamps = true;
    } else {
      return InvalidArgument(where + ": timestamp " + Quote(ts_text) + " is neither an integer nor an ISO-8601 time");
    }
    Bar bar;
    bar.ts_ms = ts_ms;
    struct Field {
      const char* label;
      size_t index;
      double* dst;
    };
    for (Field f :
         {Field{"open", cols->open, &bar.open}, Field{"high", cols->high, &bar.high}, Field{"low", cols->low, &bar.low},
          Field{"close", cols->close, &bar.close}, Field{"volume", cols->volume, &bar.volume}}) {
      std::optional<double> v = ParseDouble(fields[f.index]);
      if (!v) {
        return InvalidArgument(where + ": column '" + f.label + "': " + Quote(fields[f.index]) + " is not a number");
      }
      *f.dst = *v;
    }
    bars.push_back(bar);
  }
  if (!cols) return InvalidArgument(name + ": empty CSV file");
  if (bars.empty()) return InvalidArgument(name + ": CSV file has a header but no data rows");
  info.unit = file_unit.value_or(EpochUnit::kMillis);
  info.rows = bars.size();
  if (info_out) *info_out = info;
  return bars;
}

Result<BarSeries> ReadCsvBars(const std::string& path, CsvInfo* info) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return WithContextUnlessNamed(text.error(), path);
  return ParseCsvBars(*text, path, info);
}

std::string BarsToCsv(const BarSeries& bars) {
  std::string out = "timestamp_ms,open,high,low,close,volume\n";
  out.reserve(out.size() + bars.size() * 96);
  char buf[32];
  auto put_double = [&](double v) {
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  };
  for (size_t i = 0; i < bars.size(); ++i) {
    auto r = std::to_chars(buf, buf + sizeof buf, bars.ts_ms[i]);
    out.append(buf, r.ptr);
    for (const std::vector<double>* col : {&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume}) {
      out.push_back(',');
      put_double((*col)[i]);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace huracan::data
