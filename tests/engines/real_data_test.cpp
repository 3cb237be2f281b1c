// Every engine on real candles: the embedded sample (SOL with BTC as the reference), features from
// the `default` recipe through the feature builder. One test per registry id.
#include <gtest/gtest.h>

#include <cstring>

#include "data/parquet.h"
#include "engines/registry.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "support/test_support.h"

namespace huracan::engines {
namespace {

struct RealData {
  data::BarSeries coin, btc;
  features::FeatureFrame frame;
  std::string error;
};

const RealData& Sample() {
  static const RealData d = [] {
    RealData r;
    const std::string dir = huracan::testing::SampleDir();
    auto coin = data::ReadParquetBars(dir + "/SOL-USDT_1m_20251011_20251108.parquet");
    auto btc = data::ReadParquetBars(dir + "/BTC-USDT-PERP_1m_20251011_20251108.parquet");
    if (!coin.ok() || !btc.ok()) {
      r.error = !coin.ok() ? coin.error().message : btc.error().message;
      return r;
    }
    r.coin = std::move(coin).value();
    r.btc = std::move(btc).value();
    auto recipe = features::BuiltinRecipe("default");
    if (!recipe.ok()) {
      r.error = recipe.error().message;
      return r;
    }
    auto frame = features::BuildFeatures(*recipe, r.coin, &r.btc);
    if (!frame.ok()) {
      r.error = frame.error().message;
      return r;
    }
    r.frame = std::move(frame).value();
    return r;
  }();
  return d;
}

class EnginesRealData : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(AllEngineIds, EnginesRealData, ::testing::ValuesIn(AllEngineIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST_P(EnginesRealData, FitsOnSampleAndReloadsBitIdentical) {
  const std::string& id = GetParam();
  const RealData& d = Sample();
  ASSERT_TRUE(d.error.empty()) << d.error;
  ASSERT_EQ(d.frame.rows(), d.coin.size());
  const size_t n = d.coin.size();
#ifdef HURACAN_SANITIZE_BUILD
  const size_t train_end = n / 3;  // a shorter fit under sanitizers
#else
  const size_t train_end = n * 2 / 3;
#endif
  TrainWindow w{&d.coin, &d.frame, 0, train_end, 10.0, 42, 1};
  std::vector<double> row(d.frame.cols());
  auto e = std::move(CreateEngine(id)).value();
  Status st = e->Bind(d.frame.names);
  ASSERT_TRUE(st.ok()) << st.error().message;  // contract names all present
  st = e->Fit(w);
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto back = std::move(CreateEngine(id)).value();
  ASSERT_TRUE(back->Bind(d.frame.names).ok());
  ASSERT_TRUE(back->LoadParams(e->SaveParams()).ok());
  int spoke = 0;
  for (size_t t = train_end; t < n; t += 3) {
    for (size_t j = 0; j < row.size(); ++j) row[j] = d.frame.columns[j][t];
    FeatureRow fr{row, d.frame.ts_ms[t], d.coin.bar(t)};
    EngineOutput a = e->Infer(fr), b = back->Infer(fr);
    ASSERT_EQ(a.direction, b.direction) << "row " << t;
    ASSERT_EQ(std::memcmp(&a.edge_bps_before_costs, &b.edge_bps_before_costs, 8), 0);
    ASSERT_EQ(std::memcmp(&a.confidence_0_1, &b.confidence_0_1, 8), 0);
    ASSERT_EQ(a.reason, b.reason);
    spoke += a.direction != Direction::kWait;
  }
  std::printf("  %-20s %-6s on %s: spoke on %d of %zu sampled test bars\n", id.c_str(), e->active() ? "active" : "off",
              d.coin.symbol.c_str(), spoke, (n - train_end) / 3);
}

}  // namespace
}  // namespace huracan::engines
