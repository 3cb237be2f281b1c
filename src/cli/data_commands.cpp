// `huracan data export|inspect|import`: the data layer's command-line contract (docs/DATA.md).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/clock.h"
#include "data/catalog.h"
#include "data/csv.h"
#include "data/parquet.h"
#include "data/quality.h"
#include "data/timestamps.h"

namespace huracan::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

// One stderr line per error (the messages also go into per-file lines and JSON).
Error OneLine(Error e) {
  e.message = cli::OneLine(e.message);
  return e;
}

Status WriteStdout(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
    return Unavailable(std::string("stdout: write failed: ") + std::strerror(errno));
  return Status::Ok();
}

// "now", an ISO-8601 UTC time or epoch ms.
Result<int64_t> ParseNow(const std::string& text) {
  if (text == "now") return WallClock().NowMs();
  if (auto iso = data::ParseIsoUtc(text)) return *iso;
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size()) return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  return InvalidArgument("--now '" + text + "': expected now, an ISO-8601 UTC time or epoch ms");
}

ordered_json ReportJson(const data::QualityReport& r) {
  ordered_json j;
  j["ok"] = !r.refused();
  j["timeframe_ms"] = r.timeframe_ms;
  j["median_step_ms"] = r.median_step_ms;
  j["exact_duplicates"] = r.exact_duplicates;
  j["conflicting_duplicates"] = r.conflicting_duplicates;
  j["out_of_order"] = r.out_of_order;
  j["misaligned"] = r.misaligned;
  j["gaps"] = r.gaps;
  j["missing_bars"] = r.missing_bars;
  j["longest_gap_ms"] = r.longest_gap_ms;
  j["longest_gap_bars"] = r.timeframe_ms > 0 && r.longest_gap_ms > 0 ? r.longest_gap_ms / r.timeframe_ms - 1 : 0;
  j["longest_gap_start_ms"] = r.longest_gap_start_ms;
  j["bad_prices"] = r.bad_prices;
  j["high_below_low"] = r.high_below_low;
  j["envelope_violations"] = r.envelope_violations;
  j["worst_envelope_miss"] = r.worst_envelope_miss;
  j["bad_volume"] = r.bad_volume;
  j["stale_runs"] = r.stale_runs;
  j["stale_run_bars"] = r.stale_run_bars;
  j["longest_stale_run"] = r.longest_stale_run;
  j["stale"] = r.stale;
  j["last_bar_age_ms"] = r.last_bar_age_ms;
  j["rows_after_repair"] = r.rows_out;
  j["repairs"] = r.repairs;
  j["refusals"] = r.refusals;
  return j;
}

// ---- export ----------------------------------------------------------------------------------------

struct ExportArgs {
  std::string file;
  std::string format = "csv";
};

Result<int> RunExport(const ExportArgs& a) {
  if (a.format != "csv") return InvalidArgument("--format '" + a.format + "': only csv is supported");
  Result<data::BarSeries> bars = data::LoadBars(a.file);
  if (!bars.ok()) return OneLine(bars.error());
  HURACAN_RETURN_IF_ERROR(WriteStdout(data::BarsToCsv(*bars)));
  return kExitOk;
}

// ---- inspect ---------------------------------------------------------------------------------------

struct InspectArgs {
  std::string path = "data/sample";
  std::string format = "text";
  std::string now;
};

struct FileInspection {
  std::string path;
  data::BarSeries bars;
  data::QualityReport report;
};

FileInspection InspectBars(const std::string& path, data::BarSeries bars, const data::QualityPolicy& base) {
  FileInspection f;
  f.path = path;
  data::QualityPolicy policy = base;
  Result<data::BarSeries> repaired = data::CheckAndRepair(bars, policy, &f.report);
  (void)repaired;  // inspect only reports what the repair and refusal rules would do
  f.report.name = path;
  f.bars = std::move(bars);
  return f;
}

ordered_json InspectionJson(const FileInspection& f) {
  const data::QualityReport& r = f.report;
  ordered_json j;
  j["path"] = f.path;
  j["symbol"] = f.bars.symbol;
  j["timeframe"] = f.bars.timeframe;
  j["rows"] = f.bars.size();
  j["first_ts_ms"] = r.first_ts_ms;
  j["first_iso"] = data::FormatIsoUtc(r.first_ts_ms);
  j["last_ts_ms"] = r.last_ts_ms;
  j["last_iso"] = data::FormatIsoUtc(r.last_ts_ms);
  j["detected_timeframe"] = data::TimeframeName(r.median_step_ms);
  j["quality"] = ReportJson(r);
  return j;
}

std::string InspectionText(const FileInspection& f) {
  const data::QualityReport& r = f.report;
  std::string detected = data::TimeframeName(r.median_step_ms);
  std::string out = f.path + "\n";
  out += "  symbol: " + (f.bars.symbol.empty() ? std::string("?") : f.bars.symbol) +
         "; timeframe: " + (f.bars.timeframe.empty() ? std::string("?") : f.bars.timeframe) + " (detected " +
         (detected.empty() ? std::string("?") : detected) + "); rows: " + std::to_string(f.bars.size()) + "\n";
  if (!f.bars.empty()) {
    out += "  first: " + std::to_string(r.first_ts_ms) + " " + data::FormatIsoUtc(r.first_ts_ms) +
           "; last: " + std::to_string(r.last_ts_ms) + " " + data::FormatIsoUtc(r.last_ts_ms) + "\n";
  }
  out += std::string("  quality: ") + (r.refused() ? "REFUSED" : "ok") + "\n";
  out += r.ToText();
  return out;
}

Result<int> RunInspect(const InspectArgs& a) {
  if (a.format != "text" && a.format != "json")
    return InvalidArgument("--format '" + a.format + "': expected text or json");
  data::QualityPolicy policy;
  if (!a.now.empty()) {
    HURACAN_ASSIGN_OR_RETURN(int64_t now, ParseNow(a.now));
    policy.now_ms = now;
  }
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> files, data::ListCandleFiles(a.path));
  if (files.empty()) return NotFound(a.path + ": no .parquet or .csv files");
  ordered_json jfiles = ordered_json::array(), jerrors = ordered_json::array();
  std::string text;
  size_t failed = 0;
  std::string first_error;
  for (const std::string& path : files) {
    Result<data::BarSeries> bars = data::LoadBars(path);
    if (!bars.ok()) {
      ++failed;
      std::string msg = OneLine(bars.error()).message;
      if (first_error.empty()) first_error = msg;
      jerrors.push_back({{"path", path}, {"error", msg}});
      text += path + "\n  ERROR: " + msg + "\n";
      if (files.size() > 1) std::fprintf(stderr, "huracan: %s\n", msg.c_str());  // one file: the returned error says it
      continue;
    }
    FileInspection f = InspectBars(path, std::move(*bars), policy);
    if (a.format == "json")
      jfiles.push_back(InspectionJson(f));
    else
      text += InspectionText(f);
  }
  if (failed == files.size()) {
    return FailedPrecondition(
        files.size() == 1 ? first_error : "all " + std::to_string(failed) + " files failed; first: " + first_error);
  }
  if (a.format == "json") {
    ordered_json j;
    j["path"] = a.path;
    j["files"] = std::move(jfiles);
    j["errors"] = std::move(jerrors);
    HURACAN_RETURN_IF_ERROR(WriteStdout(j.dump(2) + "\n"));
  } else {
    HURACAN_RETURN_IF_ERROR(WriteStdout(text));
  }
  return failed ? kExitPartial : kExitOk;
}

// ---- import ----------------------------------------------------------------------------------------

struct ImportArgs {
  std::vector<std::string> sources;
  std::string out;
  std::string symbol;
  std::string timeframe;
};

struct Group {
  data::Market market;
  std::string timeframe;
  data::BarSeries bars;
  std::vector<std::string> files;
};

Result<int> RunImport(const ImportArgs& a) {
  std::optional<data::Market> forced_market;
  if (!a.symbol.empty()) {
    forced_market = data::ParseMarket(a.symbol);
    if (!forced_market)
      return InvalidArgument("--symbol '" + a.symbol + "': expected BASE-QUOTE[-PERP] or an id such as BTCUSDT");
  }
  if (!a.timeframe.empty() && data::TimeframeMs(a.timeframe) <= 0)
    return InvalidArgument("--timeframe '" + a.timeframe + "': expected e.g. 1m, 5m, 1h, 1d");

  std::vector<std::string> files;
  for (const std::string& src : a.sources) {
    HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> found, data::ListCandleFiles(src));
    if (found.empty()) return NotFound(src + ": no .parquet or .csv files");
    files.insert(files.end(), found.begin(), found.end());
  }

  // Read everything first: a file that cannot be read stops the import before anything is written.
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const std::string& path : files) {
    Result<data::BarSeries> loaded = data::LoadBars(path);
    if (!loaded.ok()) return OneLine(loaded.error());
    data::BarSeries& bars = *loaded;
    auto name = data::ParseDataFileName(path);
    data::Market market;
    if (forced_market)
      market = *forced_market;
    else if (name)
      market = name->market;
    else
      return InvalidArgument(path + ": cannot tell the symbol from the file name; pass --symbol");
    std::string tf = !a.timeframe.empty() ? a.timeframe : name ? name->timeframe : "";
    if (tf.empty()) {
      int64_t step = data::MedianStepMs(bars.ts_ms);
      if (step <= 0) return InvalidArgument(path + ": cannot tell the timeframe; pass --timeframe");
      tf = data::TimeframeName(step);
    }
    Group& g = groups[{market.stem(), tf}];
    g.market = market;
    g.timeframe = tf;
    g.files.push_back(path);
    g.bars.reserve(g.bars.size() + bars.size());
    for (size_t i = 0; i < bars.size(); ++i) g.bars.push_back(bars.bar(i));
  }

  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) return Unavailable(a.out + ": cannot create folder: " + ec.message());

  // Import refuses only what cannot be repaired; gaps and stale runs are reported, not refused.
  size_t written = 0, refused = 0;
  std::string first_error;
  for (auto& [key, g] : groups) {
    g.bars.symbol = g.market.id();
    g.bars.timeframe = g.timeframe;
    data::QualityPolicy policy;
    policy.timeframe_ms = data::TimeframeMs(g.timeframe);
    policy.max_missing_fraction = 1.0;
    policy.max_stale_run_fraction = 1.0;
    data::QualityReport report;
    Result<data::BarSeries> clean = data::CheckAndRepair(std::move(g.bars), policy, &report);
    if (!clean.ok()) {
      ++refused;
      std::string msg = OneLine(clean.error()).message + " (from " + std::to_string(g.files.size()) + " files)";
      if (first_error.empty()) first_error = msg;
      if (files.size() > 1) std::fprintf(stderr, "huracan: %s\n", msg.c_str());  // one file: the returned error says it
      continue;
    }
    std::string out_path =
        (fs::path(a.out) / data::NormalisedFileName(g.market, g.timeframe, clean->ts_ms.front(), clean->ts_ms.back()))
            .string();
    Status st = data::WriteParquetBars(out_path, *clean);
    if (!st.ok()) return OneLine(st.error());
    ++written;
    std::string line = "wrote " + out_path + ": " + std::to_string(clean->size()) + " bars " +
                       data::FormatIsoUtc(clean->ts_ms.front()) + " .. " + data::FormatIsoUtc(clean->ts_ms.back()) +
                       " from " + std::to_string(g.files.size()) + " file(s)";
    if (report.gaps)
      line += "; " + std::to_string(report.gaps) + " gaps (" + std::to_string(report.missing_bars) + " missing bars)";
    for (const std::string& r : report.repairs) line += "; " + r;
    HURACAN_RETURN_IF_ERROR(WriteStdout(line + "\n"));
  }
  if (written == 0)
    return FailedPrecondition(refused == 1 ? first_error
                                           : "nothing written: all " + std::to_string(refused) + " series refused");
  return refused ? kExitPartial : kExitOk;
}

}  // namespace

void RegisterDataCommands(CLI::App& app, Action* out) {
  CLI::App* data = app.add_subcommand("data", "Read, inspect, export and import candle files");
  data->require_subcommand(1);

  auto ex = std::make_shared<ExportArgs>();
  CLI::App* export_cmd = data->add_subcommand("export", "Print a candle file (.parquet or .csv) as CSV on stdout");
  export_cmd->add_option("FILE", ex->file, "candle file")->required();
  export_cmd->add_option("--format", ex->format, "output format (csv)")->capture_default_str();
  export_cmd->callback([out, ex] { *out = [ex] { return RunExport(*ex); }; });

  auto in = std::make_shared<InspectArgs>();
  CLI::App* inspect = data->add_subcommand("inspect", "Rows, time range, timeframe and quality report per file");
  inspect->add_option("PATH", in->path, "candle file or folder (searched recursively)")->capture_default_str();
  inspect->add_option("--format", in->format, "text or json")->capture_default_str();
  inspect->add_option("--now", in->now, "check staleness against this time (now, ISO-8601 UTC or epoch ms)");
  inspect->callback([out, in] { *out = [in] { return RunInspect(*in); }; });

  auto im = std::make_shared<ImportArgs>();
  CLI::App* import = data->add_subcommand(
      "import", "Merge CSV/Parquet sources into normalised Parquet files, one per symbol and timeframe");
  import->add_option("SRC", im->sources, "files or folders")->required();
  import->add_option("--out", im->out, "output folder")->required();
  import->add_option("--symbol", im->symbol, "symbol for every source (BASE-QUOTE[-PERP] or an id like BTCUSDT)");
  import->add_option("--timeframe", im->timeframe, "timeframe for every source (1m, 1h, 1d, ...)");
  import->callback([out, im] { *out = [im] { return RunImport(*im);
};
}  // namespace huracan::cli
);
}

}  // namespace huracan::cli
