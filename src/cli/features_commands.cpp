// `huracan features`: the feature builder's command-line contract (docs/FEATURES.md).
//   huracan features --data FILE [--ref FILE] [--recipe NAME|PATH] [--mode batch|streaming] [--format csv]
//   huracan features --recipe NAME|PATH --hash
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "data/catalog.h"
#include "features/builder.h"
#include "features/recipe.h"

namespace huracan::cli {
namespace {

struct FeaturesArgs {
  std::string data;
  std::string ref;
  std::string recipe = "default";
  std::string mode = "batch";
  std::string format = "csv";
  bool hash = false;
};

class CsvOut {
 public:
  void Cell(double v) {
    buf_.push_back(',');
    if (std::isnan(v)) return;  // NaN is an empty cell
    char tmp[64];
    auto r = std::to_chars(tmp, tmp + sizeof(tmp), v);
    buf_.append(tmp, r.ptr);
  }
  void Int(int64_t v) {
    char tmp[32];
    auto r = std::to_chars(tmp, tmp + sizeof(tmp), v);
    buf_.append(tmp, r.ptr);
  }
  void Text(std::string_view s) { buf_.append(s); }
  Status EndRow() {
    buf_.push_back('\n');
    return buf_.size() > (1 << 20) ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size())
      return Unavailable(std::string("stdout: write failed: ") + std::strerror(errno));
    buf_.clear();
    if (std::fflush(stdout) != 0) return Unavailable(std::string("stdout: write failed: ") + std::strerror(errno));
    return Status::Ok();
  }

 private:
  std::string buf_;
};

Result<data::BarSeries> Load(const std::string& path, const char* what) {
  auto bars = WithContext(data::LoadBars(path), what);
  if (!bars.ok()) return bars;
  for (size_t i = 1; i < bars->size(); ++i)
    if (bars->ts_ms[i] <= bars->ts_ms[i - 1])
      return InvalidArgument(path + ": timestamps not strictly increasing at row " + std::to_string(i) +
                             " (`huracan data import` sorts and drops duplicates)");
  return bars;
}

Result<int> RunFeatures(const FeaturesArgs& a) {
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(a.recipe));
  if (a.hash) {
    std::printf("%s\n", recipe.hash().c_str());
    return kExitOk;
  }
  if (a.data.empty()) return InvalidArgument("features: --data FILE is required (or --hash)");
  if (a.format != "csv") return InvalidArgument("features: unsupported --format '" + a.format + "' (csv)");
  if (a.mode != "batch" && a.mode != "streaming")
    return InvalidArgument("features: unknown --mode '" + a.mode + "' (batch or streaming)");
  HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, Load(a.data, "--data"));
  std::unique_ptr<data::BarSeries> ref;
  if (!a.ref.empty()) {
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries r, Load(a.ref, "--ref"));
    ref = std::make_unique<data::BarSeries>(std::move(r));
  }
  CsvOut out;
  out.Text("timestamp_ms");
  for (const auto& n : recipe.names()) {
    out.Text(",");
    out.Text(n);
  }
  HURACAN_RETURN_IF_ERROR(out.EndRow());
  if (a.mode == "batch") {
    HURACAN_ASSIGN_OR_RETURN(features::FeatureFrame frame, features::BuildFeatures(recipe, bars, ref.get()));
    for (size_t i = 0; i < frame.rows(); ++i) {
      out.Int(frame.ts_ms[i]);
      for (size_t c = 0; c < frame.cols(); ++c) out.Cell(frame.columns[c][i]);
      HURACAN_RETURN_IF_ERROR(out.EndRow());
    }
  } else {
    HURACAN_ASSIGN_OR_RETURN(features::FeatureStream stream, features::FeatureStream::Create(recipe));
    size_t j = 0;
    for (size_t i = 0; i < bars.size(); ++i) {
      const Bar bar = bars.bar(i);
      Bar rb;
      const Bar* rp = nullptr;
      if (ref) {
        while (j < ref->size() && ref->ts_ms[j] < bar.ts_ms) ++j;
        if (j < ref->size() && ref->ts_ms[j] == bar.ts_ms) {
          rb = ref->bar(j);
          rp = &rb;
        }
      }
      const auto row = stream.Update(bar, rp);
      out.Int(bar.ts_ms);
      for (double v : row) out.Cell(v);
      HURACAN_RETURN_IF_ERROR(out.EndRow());
    }
  }
  HURACAN_RETURN_IF_ERROR(out.Flush());
  return kExitOk;
}

}  // namespace

void RegisterFeaturesCommands(CLI::App& app, Action* out) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* cmd = app.add_subcommand("features", "Compute a feature recipe over a candle file, or print its hash");
  cmd->add_option("--data", args->data, "candle file (.parquet or .csv)");
  cmd->add_option("--ref", args->ref, "reference (BTC) candle file for the cross-asset features");
  cmd->add_option("--recipe", args->recipe, "built-in recipe (default, talib-reference) or a YAML/JSON file")
      ->capture_default_str();
  cmd->add_option("--mode", args->mode, "batch or streaming (same numbers)")->capture_default_str();
  cmd->add_option("--format", args->format, "output format (csv)")->capture_default_str();
  cmd->add_flag("--hash", args->hash, "print the recipe's feature hash and exit");
  cmd->callback([args, out] {
    *out = [args] {
      FeaturesArgs a = *args;
      a.recipe = ActiveSettings().String("features.recipe");
      return RunFeatures(a);
    };
  });
}

}  // namespace huracan::cli
