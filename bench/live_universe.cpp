// make_live_universe: the synthetic symbol universe of the live benchmark (docs/LIVE.md, "The
// benchmark universe"; bench/make_live_universe.sh drives it). Data is generated, never committed.
//
//   make_live_universe data --shared DIR --out OUT [--symbols 400] [--day 2025-11-07] [--warmup-days 3]
//     OUT/replay/: N candle files over [day - warmup, day + 1), OUT/train/: the 12 base coins cut
//     before day - warmup, OUT/universe.tsv: symbol, base, shift_days, scale (one line per symbol).
//   make_live_universe train-data --shared DIR --daily DIR --out OUT [--symbols 400] [--days 38]
//     OUT/data/: N candle files of the last D whole days of the 1m files, for the 400-coin training
//     benchmark (bench/train_400.sh); OUT/universe.tsv: symbol, base, shift_days, price_scale,
//     volume_scale, daily (the daily coin that named it, or -), file. Transforms: see MakeTrainData.
//   make_live_universe champions --out OUT
//     after `huracan train` wrote the 12 base champions to OUT/archive: every derived symbol gets a
//     copy of its base coin's champion bundle (written with registry::WriteBundle, so its
//     sha256.txt is valid) and its own champion pointer.
//
// Symbol k (k = 0 .. N-1) is base coin b = k mod 12 (the shared files in name order) and block
// j = k / 12. Block 0 is the base coin itself. For j >= 1 the symbol is `<BASE>X<kkk>-<QUOTE>[-PERP]`
// (e.g. SOLX021-USDT): the base coin's bars taken 4j days earlier, re-stamped 4j days later onto
// the benchmark span, and every price multiplied by 2^((j mod 7) - 3) (a power of two: exact, so
// the log returns are the source's bit for bit); volumes unchanged.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time_units.h"
#include "data/catalog.h"
#include "data/parquet.h"
#include "data/timestamps.h"
#include "registry/archive.h"
#include "registry/bundle.h"
#include "registry/champion.h"
#include "storage/object_store.h"

namespace {
using namespace huracan;
namespace fs = std::filesystem;

constexpr int kBlockShiftDays = 4;

struct Args {
  std::string shared, daily, out, day = "2025-11-07";
  int symbols = 400;
  int warmup_days = 3;
  int days = 38;
};

struct UniverseRow {
  std::string symbol, base;
  int shift_days = 0;
  double scale = 1;
};

// Re-stamps every bar `shift` ms later and multiplies prices by `price_scale`, volumes by
// `volume_scale` (1.0 leaves them exactly as they were).
void ShiftAndScale(data::BarSeries* out, int64_t shift, double price_scale, double volume_scale) {
  for (size_t i = 0; i < out->size(); ++i) {
    out->ts_ms[i] += shift;
    out->open[i] *= price_scale;
    out->high[i] *= price_scale;
    out->low[i] *= price_scale;
    out->close[i] *= price_scale;
    out->volume[i] *= volume_scale;
  }
}

Status MakeData(const Args& a) {
  const auto day_ms = data::ParseIsoUtc(a.day);
  if (!day_ms) return InvalidArgument("--day '" + a.day + "' is not an ISO date");
  const int64_t begin = *day_ms - a.warmup_days * kMsPerDay, end = *day_ms + kMsPerDay;
  HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<data::CatalogEntry> entries, data::ScanDataDir(a.shared, "1m"), "--shared");
  if (entries.empty()) return NotFound(a.shared + ": no 1m candle files");
  std::vector<data::BarSeries> bases;
  for (const auto& e : entries) {
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::LoadBars(e.path));
    bases.push_back(std::move(bars));
  }
  const std::string replay = a.out + "/replay", train = a.out + "/train";
  fs::create_directories(replay);
  fs::create_directories(train);
  for (size_t b = 0; b < bases.size(); ++b) {
    const auto& s = bases[b];
    const data::BarSeries cut = s.slice(0, data::FirstAtOrAfter(s.ts_ms, begin));
    if (cut.empty()) return FailedPrecondition(entries[b].path + ": no bars before the warm-up");
    HURACAN_RETURN_IF_ERROR(data::WriteParquetBars(
        train + "/" + data::NormalisedFileName(entries[b].name.market, "1m", cut.ts_ms.front(), cut.ts_ms.back()),
        cut));
  }
  std::ofstream tsv(a.out + "/universe.tsv", std::ios::trunc);
  tsv << "symbol\tbase\tshift_days\tscale\n";
  for (int k = 0; k < a.symbols; ++k) {
    const size_t b = static_cast<size_t>(k) % bases.size();
    const int j = k / static_cast<int>(bases.size());
    const data::BarSeries& src = bases[b];
    data::Market m = entries[b].name.market;
    const int shift_days = j * kBlockShiftDays;
    const double scale = j == 0 ? 1.0 : std::ldexp(1.0, j % 7 - 3);
    if (j > 0) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "X%03d", k);
      m.base += suffix;
    }
    const int64_t shift = shift_days * kMsPerDay;
    const size_t lo = data::FirstAtOrAfter(src.ts_ms, begin - shift), hi = data::FirstAtOrAfter(src.ts_ms, end - shift);
    if (hi <= lo) return FailedPrecondition(entries[b].path + ": no bars " + std::to_string(shift_days) + " days back");
    data::BarSeries out = src.slice(lo, hi);
    out.symbol = m.id();
    ShiftAndScale(&out, shift, scale, 1.0);
    HURACAN_RETURN_IF_ERROR(data::WriteParquetBars(
        replay + "/" + data::NormalisedFileName(m, "1m", out.ts_ms.front(), out.ts_ms.back()), out));
    tsv << m.id() << '\t' << entries[b].symbol() << '\t' << shift_days << '\t' << scale << '\n';
  }
  std::printf("%d symbols in %s (bars %s .. %s), 12 training files in %s\n", a.symbols, replay.c_str(),
              data::FormatIsoUtc(begin).c_str(), data::FormatIsoUtc(end).c_str(), train.c_str());
  return Status::Ok();
}

// The nearest power of two to x > 0 (1 otherwise): scaling prices by it is exact, so every log
// return of a scaled series is its source's bit for bit.
double NearestPowerOfTwo(double x) {
  if (!(x > 0) || !std::isfinite(x)) return 1.0;
  return std::ldexp(1.0, static_cast<int>(std::lround(std::log2(x))));
}

// The 400-coin training universe. All N symbols share one calendar: the last `days` whole days
// [end - days, end) of the 12 shared 1m files (end = the start of their last, partial day).
//  - Symbols 0..11 are the 12 real coins as they are (BTC-USDT-PERP stays the reference).
//  - Symbol k >= 12 takes base coin b = k mod 12 and block j = k / 12: the base's bars from
//    shift = (4 j mod (span - days)) days earlier, re-stamped `shift` days later onto the calendar.
//  - Its name: the next coin of `--daily` (the 1d folder, name order, skipping the 12 base coins'
//    names and repeats) while there are any left, then `<BASE>X<kkk>-<QUOTE>`.
//  - A symbol named after a daily coin gets that coin's level: prices times the power of two
//    nearest its first 1d close in the calendar over the source's first close, and volumes times
//    the power of two nearest the ratio of their mean quote volume per day over the calendar
//    (1 when the daily coin has no bar there). Other derived symbols: prices times 2^((j mod 7) - 3).
Status MakeTrainData(const Args& a) {
  HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<data::CatalogEntry> entries, data::ScanDataDir(a.shared, "1m"), "--shared");
  if (entries.empty()) return NotFound(a.shared + ": no 1m candle files");
  std::vector<data::BarSeries> bases;
  int64_t end = 0, first = 0;
  for (const auto& e : entries) {
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::LoadBars(e.path));
    if (bars.empty()) return FailedPrecondition(e.path + ": no bars");
    const int64_t last_day = bars.ts_ms.back() / kMsPerDay * kMsPerDay;
    end = bases.empty() ? last_day : std::min(end, last_day);
    first = bases.empty() ? bars.ts_ms.front() : std::max(first, bars.ts_ms.front());
    bases.push_back(std::move(bars));
  }
  const int span_days = static_cast<int>((end - first) / kMsPerDay);
  if (span_days <= a.days)
    return FailedPrecondition("--days " + std::to_string(a.days) + ": the files hold " + std::to_string(span_days) +
                              " whole days");
  const int64_t begin = end - a.days * kMsPerDay;

  // Daily coins: names in order, without the base coins' names and repeats.
  std::vector<data::CatalogEntry> daily;
  if (!a.daily.empty()) {
    HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<data::CatalogEntry> d, data::ScanDataDir(a.daily, "1d"), "--daily");
    std::map<std::string, bool> seen;
    for (const auto& e : entries) seen[e.name.market.base] = true;
    for (auto& e : d)
      if (!seen[e.name.market.base]) {
        seen[e.name.market.base] = true;
        daily.push_back(std::move(e));
      }
  }

  const std::string out_dir = a.out + "/data";
  fs::create_directories(out_dir);
  std::ofstream tsv(a.out + "/universe.tsv", std::ios::trunc);
  tsv << "symbol\tbase\tshift_days\tprice_scale\tvolume_scale\tdaily\tfile\n";
  size_t next_daily = 0;
  for (int k = 0; k < a.symbols; ++k) {
    const size_t b = static_cast<size_t>(k) % bases.size();
    const int j = k / static_cast<int>(bases.size());
    const data::BarSeries& src = bases[b];
    data::Market m = entries[b].name.market;
    const int shift_days = j == 0 ? 0 : (4 * j) % (span_days - a.days);
    const int64_t shift = shift_days * kMsPerDay;
    const size_t lo = data::FirstAtOrAfter(src.ts_ms, begin - shift), hi = data::FirstAtOrAfter(src.ts_ms, end - shift);
    if (hi <= lo) return FailedPrecondition(entries[b].path + ": no bars " + std::to_string(shift_days) + " days back");
    data::BarSeries out = src.slice(lo, hi);
    double price_scale = 1.0, volume_scale = 1.0;
    std::string named_after = "-";
    if (j > 0 && next_daily < daily.size()) {
      const data::CatalogEntry& d = daily[next_daily++];
      named_after = d.symbol();
      m = data::Market{d.name.market.base, m.quote, m.perp};
      HURACAN_ASSIGN_OR_RETURN(data::BarSeries day_bars, data::LoadBars(d.path));
      const size_t dlo = data::FirstAtOrAfter(day_bars.ts_ms, begin), dhi = data::FirstAtOrAfter(day_bars.ts_ms, end);
      if (dhi > dlo) {
        price_scale = NearestPowerOfTwo(day_bars.close[dlo] / out.close.front());
        double dq = 0, sq = 0;
        for (size_t i = dlo; i < dhi; ++i) dq += day_bars.close[i] * day_bars.volume[i];
        for (size_t i = 0; i < out.size(); ++i) sq += out.close[i] * out.volume[i];
        dq /= static_cast<double>(dhi - dlo);
        sq /= static_cast<double>(a.days);
        volume_scale = NearestPowerOfTwo(dq / (sq * price_scale));
      }
    } else if (j > 0) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "X%03d", k);
      m.base += suffix;
      price_scale = std::ldexp(1.0, j % 7 - 3);
    }
    out.symbol = m.id();
    ShiftAndScale(&out, shift, price_scale, volume_scale);
    const std::string file = data::NormalisedFileName(m, "1m", out.ts_ms.front(), out.ts_ms.back());
    HURACAN_RETURN_IF_ERROR(data::WriteParquetBars(out_dir + "/" + file, out));
    tsv << m.id() << '\t' << entries[b].symbol() << '\t' << shift_days << '\t' << price_scale << '\t' << volume_scale
        << '\t' << named_after << '\t' << file << '\n';
  }
  std::printf("%d symbols in %s (bars %s .. %s, %d days), %zu named after daily coins\n", a.symbols, out_dir.c_str(),
              data::FormatIsoUtc(begin).c_str(), data::FormatIsoUtc(end).c_str(), a.days, next_daily);
  return Status::Ok();
}

Result<std::vector<UniverseRow>> ReadUniverse(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": not found (run `make_live_universe data` first)");
  std::vector<UniverseRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream s(line);
    UniverseRow r;
    if (!(s >> r.symbol >> r.base >> r.shift_days >> r.scale)) return DataLoss(path + ": bad line '" + line + "'");
    rows.push_back(r);
  }
  return rows;
}

Status MakeChampions(const Args& a) {
  HURACAN_ASSIGN_OR_RETURN(std::vector<UniverseRow> rows, ReadUniverse(a.out + "/universe.tsv"));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(a.out + "/archive"));
  std::map<std::string, registry::LoadedChampion> base;
  int copied = 0;
  for (const auto& r : rows) {
    if (r.symbol == r.base) continue;
    if (!base.count(r.base)) {
      HURACAN_ASSIGN_OR_RETURN_CTX(registry::LoadedChampion c, registry::LoadChampion(*store, r.base), r.base);
      base.emplace(r.base, std::move(c));
    }
    const registry::LoadedChampion& c = base.at(r.base);
    registry::ModelBundle bundle = c.bundle;
    bundle.config.symbol = r.symbol;
    const std::string ts = c.entry.model_id.substr(c.entry.model_id.find('@') + 1);
    const std::string prefix = registry::ModelPrefix(r.symbol, ts);
    HURACAN_ASSIGN_OR_RETURN(std::string sha, registry::WriteBundle(*store, prefix, bundle));
    registry::ChampionEntry e;
    e.model_id = registry::MakeModelId(r.symbol, ts);
    e.path = prefix;
    e.sha256 = sha;
    e.promoted_at = c.entry.promoted_at;
    e.reason = "benchmark copy of " + c.entry.model_id;
    auto set = registry::SetChampion(*store, r.symbol, e);
    if (!set.ok()) return WithContext(set.error(), r.symbol);
    ++copied;
  }
  std::printf("%d champion copies from %zu base champions in %s/archive\n", copied, base.size(), a.out.c_str());
  return Status::Ok();
}

int Usage() {
  std::fprintf(
      stderr,
      "usage: make_live_universe data --shared DIR --out OUT [--symbols N] [--day YYYY-MM-DD] "
      "[--warmup-days D]\n       make_live_universe train-data --shared DIR [--daily DIR] --out OUT [--symbols N] "
      "[--days D]\n       make_live_universe champions --out OUT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string cmd = argv[1];
  Args a;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--shared")
      a.shared = v;
    else if (k == "--out")
      a.out = v;
    else if (k == "--daily")
      a.daily = v;
    else if (k == "--days")
      a.days = std::atoi(v.c_str());
    else if (k == "--day")
      a.day = v;
    else if (k == "--symbols")
      a.symbols = std::atoi(v.c_str());
    else if (k == "--warmup-days")
      a.warmup_days = std::atoi(v.c_str());
    else
      return Usage();
  }
  if (a.out.empty() || (cmd == "data" && (a.shared.empty() || a.symbols <= 0 || a.warmup_days <= 0)) ||
      (cmd == "train-data" && (a.shared.empty() || a.symbols <= 0 || a.days <= 0)))
    return Usage();
  const Status st = cmd == "data"         ? MakeData(a)
                    : cmd == "train-data" ? MakeTrainData(a)
                    : cmd == "champions"  ? MakeChampions(a)
                                          : InvalidArgument("unknown command");
  if (!st.ok()) {
    std::fprintf(stderr, "make_live_universe: %s\n", st.error().message.c_str());
    return 1;
  }
  return 0;
}
