#include "backtest/inputs.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "data/parquet.h"
#include "data/quality.h"

namespace huracan::backtest {
namespace fs = std::filesystem;
namespace {

// A candle file through CheckAndRepair (an empty one as read: the caller decides).
Result<data::BarSeries> ReadChecked(const std::string& path, std::vector<std::string>* repairs) {
  HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::ReadParquetBars(path));
  if (bars.empty()) return bars;
  data::QualityReport report;
  Result<data::BarSeries> checked = data::CheckAndRepair(std::move(bars), data::QualityPolicy{}, &report);
  if (!checked.ok()) {
    std::string why;
    for (const auto& r : report.refusals) why += (why.empty() ? "" : "; ") + r;
    if (why.empty()) why = checked.error().message;
    const data::BadBar* first = report.FirstRefusedBar();
    return FailedPrecondition(path + ": refused by the quality rules: " + why +
                              (first ? "; first bad bar: " + first->Describe() : ""));
  }
  for (const auto& r : report.repairs) repairs->push_back(path + ": repaired: " + r);
  for (const auto& b : report.bad_bars) repairs->push_back(path + ": " + b.Describe());
  return checked;
}

}  // namespace

Result<BacktestInputs> LoadInputs(const std::string& data_path, const std::string& ref_path) {
  BacktestInputs in;
  HURACAN_ASSIGN_OR_RETURN(in.bars, ReadChecked(data_path, &in.repairs));
  if (in.bars.empty()) return InvalidArgument(data_path + ": no bars");
  if (!ref_path.empty()) {
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries r, ReadChecked(ref_path, &in.repairs));
    in.ref = std::move(r);
    in.ref_path = ref_path;
    in.note = "reference: " + ref_path + " (given)";
    return in;
  }
  if (in.bars.symbol.starts_with("BTC")) {
    in.note = "reference: none (" + in.bars.symbol + " is BTC itself)";
    return in;
  }
  std::error_code ec;
  const fs::path dir = fs::path(data_path).parent_path().empty() ? fs::path(".") : fs::path(data_path).parent_path();
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".parquet") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  const std::string tf = in.bars.timeframe.empty() ? "" : "_" + in.bars.timeframe + "_";
  for (const char* prefix : {"BTC-USDT-PERP", "BTC-USDT"}) {
    for (const auto& n : names) {
      if (!n.starts_with(std::string(prefix) + "_")) continue;
      if (!tf.empty() && n.find(tf) == std::string::npos) continue;
      const std::string path = (dir / n).string();
      HURACAN_ASSIGN_OR_RETURN(data::BarSeries r, ReadChecked(path, &in.repairs));
      in.ref = std::move(r);
      in.ref_path = path;
      in.note = "reference: " + path + " (found beside the data file)";
      return in;
    }
  }
  in.note = "reference: none found beside " + data_path + "; cross-asset features are NaN";
  return in;
}

}  // namespace huracan::backtest
