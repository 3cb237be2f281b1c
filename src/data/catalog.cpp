#include "data/catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/strings.h"
#include "data/csv.h"
#include "data/parquet.h"
#include "data/timestamps.h"

namespace huracan::data {
namespace {
namespace fs = std::filesystem;

// Quote assets recognised when splitting an id such as "BTCUSDT"; longest match wins.
constexpr const char* kQuotes[] = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "DAI", "BTC", "ETH",
                                   "BNB",   "EUR",  "TRY",  "BRL",  "GBP",  "AUD",  "JPY", "USD"};

// The longest symbol the archive takes (registry::ValidateSymbol): 32 characters.
constexpr size_t kMaxMarketLength = 32;

bool AssetName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

bool AllDigits(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::optional<Market> ParseMarket(std::string_view text) {
  if (text.size() > kMaxMarketLength) return std::nullopt;  // no market name is that long; keeps ids short
  std::string s = Upper(text);
  Market m;
  if (s.ends_with("-PERP")) {
    m.perp = true;
    s.resize(s.size() - 5);
  }
  if (s.find('-') != std::string::npos) {
    auto parts = Split(s, '-');
    if (parts.size() != 2 || !AssetName(parts[0]) || !AssetName(parts[1])) return std::nullopt;
    m.base = parts[0];
    m.quote = parts[1];
    return m;
  }
  if (!AssetName(s)) return std::nullopt;
  std::string_view best;
  for (const char* q : kQuotes) {
    std::string_view quote(q);
    if (s.size() > quote.size() && s.ends_with(quote) && quote.size() > best.size()) best = quote;
  }
  if (best.empty()) return std::nullopt;
  m.base = s.substr(0, s.size() - best.size());
  m.quote = std::string(best);
  return m;
}

std::optional<DataFileName> ParseDataFileName(std::string_view path) {
  std::string name = fs::path(std::string(path)).filename().string();
  DataFileName out;
  std::string lower = Lower(name);
  std::string_view stem;
  if (lower.ends_with(".parquet")) {
    out.format = "parquet";
    stem = std::string_view(name).substr(0, name.size() - 8);
  } else if (lower.ends_with(".csv")) {
    out.format = "csv";
    stem = std::string_view(name).substr(0, name.size() - 4);
  } else {
    return std::nullopt;
  }
  // Our layout: BASE-QUOTE[-PERP]_TF[_anything].
  auto parts = Split(stem, '_');
  if (parts.size() >= 2 && parts[0].find('-') != std::string_view::npos) {
    auto market = ParseMarket(parts[0]);
    if (!market || TimeframeMs(std::string(parts[1])) <= 0) return std::nullopt;
    out.market = *market;
    out.timeframe = std::string(parts[1]);
    return out;
  }
  // Binance dump layout: SYMBOL-TF-YYYY-MM[-DD].
  auto dashes = Split(stem, '-');
  if ((dashes.size() == 4 || dashes.size() == 5) && AllDigits(dashes[2], 4) && AllDigits(dashes[3], 2) &&
      (dashes.size() == 4 || AllDigits(dashes[4], 2))) {
    auto market = ParseMarket(dashes[0]);
    if (!market || market->perp || TimeframeMs(std::string(dashes[1])) <= 0) return std::nullopt;
    out.market = *market;
    out.timeframe = std::string(dashes[1]);
    return out;
  }
  return std::nullopt;
}

std::string NormalisedFileName(const Market& market, const std::string& timeframe, int64_t first_ts_ms,
                               int64_t last_ts_ms) {
  return market.stem() + "_" + timeframe + "_" + FormatYmd(first_ts_ms) + "_" + FormatYmd(last_ts_ms) + ".parquet";
}

Result<std::vector<std::string>> ListCandleFiles(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return NotFound(path + ": no such file or folder");
  if (fs::is_regular_file(st)) return std::vector<std::string>{path};
  if (!fs::is_directory(st)) return InvalidArgument(path + ": not a file or folder");
  std::vector<std::string> out;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return Unavailable(path + ": cannot list: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Unavailable(path + ": cannot list: " + ec.message());
    if (!it->is_regular_file(ec)) continue;
    std::string lower = Lower(it->path().filename().string());
    if (lower.ends_with(".parquet") || lower.ends_with(".csv")) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<CatalogEntry>> ScanDataDir(const std::string& dir, const std::string& timeframe, bool recursive) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(dir + ": no such data folder");
  std::vector<std::string> paths;
  if (recursive) {
    HURACAN_ASSIGN_OR_RETURN(paths, ListCandleFiles(dir));
  } else {
    fs::directory_iterator it(dir, ec), end;
    if (ec) return Unavailable(dir + ": cannot list: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Unavailable(dir + ": cannot list: " + ec.message());
      if (it->is_regular_file(ec)) paths.push_back(it->path().string());
    }
  }
  std::vector<CatalogEntry> out;
  for (const std::string& p : paths) {
    auto name = ParseDataFileName(p);
    if (!name) continue;
    if (!timeframe.empty() && name->timeframe != timeframe) continue;
    out.push_back(CatalogEntry{p, *name});
  }
  std::sort(out.begin(), out.end(), [](const CatalogEntry& a, const CatalogEntry& b) {
    return std::tie(a.name.market.base, a.name.market.quote, a.name.market.perp, a.name.timeframe, a.path) <
           std::tie(b.name.market.base, b.name.market.quote, b.name.market.perp, b.name.timeframe, b.path);
  });
  return out;
}

Result<BarSeries> LoadBars(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return NotFound(path + ": no such file");
  if (!fs::is_regular_file(st)) return InvalidArgument(path + ": not a regular file");
  std::string lower = Lower(fs::path(path).filename().string());
  Result<BarSeries> bars = InvalidArgument(path + ": unknown file type; expected .parquet or .csv");
  if (lower.ends_with(".parquet"))
    bars = ReadParquetBars(path);
  else if (lower.ends_with(".csv"))
    bars = ReadCsvBars(path);
  if (!bars.ok()) return WithContextUnlessNamed(bars.error(), path);
  if (auto name = ParseDataFileName(path)) {
    bars->symbol = name->market.id();
    bars->timeframe = name->timeframe;
  }
  return bars;
}

double MedianDailyQuoteVolume(const BarSeries& bars, int64_t end_day, int days) {
  if (days <= 0 || end_day < INT64_MIN / 2) return 0;  // no data at all: nothing to measure
  std::vector<double> daily(static_cast<size_t>(days), 0.0);
  const int64_t first_day = end_day - days + 1;
  for (size_t i = 0; i < bars.size(); ++i) {
    int64_t d = UtcDay(bars.ts_ms[i]);
    if (d < first_day || d > end_day) continue;
    double q = bars.close[i] * bars.volume[i];
    if (std::isfinite(q) && q > 0) daily[static_cast<size_t>(d - first_day)] += q;
  }
  std::sort(daily.begin(), daily.end());
  size_t n = daily.size();
  return n % 2 ? daily[n / 2] : 0.5 * (daily[n / 2 - 1] + daily[n / 2]);
}

Result<std::vector<std::string>> SelectSymbols(const std::vector<CatalogEntry>& entries, std::string_view spec_in,
                                               const std::string& timeframe) {
  std::map<std::string, std::vector<std::string>> files;  // id -> paths
  for (const CatalogEntry& e : entries) {
    if (e.name.timeframe == timeframe) files[e.symbol()].push_back(e.path);
  }
  std::string spec = Trim(spec_in);
  if (files.empty()) return NotFound("no " + timeframe + " candle files to select symbols from");
  std::vector<std::string> out;
  if (spec == "all" || spec.empty()) {
    for (const auto& [id, paths] : files) out.push_back(id);
    return out;
  }
  std::string lower = Lower(spec);
  if (lower.rfind("top", 0) == 0) {
    std::string_view digits = std::string_view(spec).substr(3);
    int n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size() || n <= 0)
      return InvalidArgument("--symbols '" + spec + "': expected all, topN with N >= 1, or a comma list");
    std::vector<BarSeries> series;
    int64_t end_day = INT64_MIN;
    for (const auto& [id, paths] : files) {
      BarSeries merged;
      for (const std::string& path : paths) {
        HURACAN_ASSIGN_OR_RETURN(BarSeries b, LoadBars(path));
        for (size_t i = 0; i < b.size(); ++i) merged.push_back(b.bar(i));
        if (!b.empty()) end_day = std::max(end_day, UtcDay(*std::max_element(b.ts_ms.begin(), b.ts_ms.end())));
      }
      merged.symbol = id;
      series.push_back(std::move(merged));
    }
    std::vector<std::pair<double, std::string>> ranked;
    for (const BarSeries& s : series) ranked.emplace_back(MedianDailyQuoteVolume(s, end_day, 30), s.symbol);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(n); ++i) out.push_back(ranked[i].second);
    return out;
  }
  for (const std::string& want : SplitCommaList(spec, EmptyItems::kKeep)) {
    if (want.empty()) return InvalidArgument("--symbols '" + spec + "': empty symbol in the list");
    auto market = ParseMarket(want);
    std::string id = market ? market->id() : Upper(want);
    if (!files.count(id)) {
      std::string known;
      size_t listed = 0;
      for (const auto& [k, v] : files) {
        if (listed++ == 20) {
          known += ", ... (" + std::to_string(files.size()) + " in all)";
          break;
        }
        known += (known.empty() ? "" : ", ") + k;
      }
      return NotFound("unknown symbol '" + want + "' (no " + timeframe + " file; known: " + known + ")");
    }
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

}  // namespace huracan::data
