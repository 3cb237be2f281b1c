#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "ml/bytes.h"
#include "ml/ridge.h"
#include "ml/xgb.h"

namespace huracan::ml {
namespace {

struct Data {
  std::vector<float> x;
  std::vector<float> y;
  size_t rows = 0, cols = 0;
};

// y = 2 x0 - x1 + 0.5 x2 * x3 + noise (absent columns count as 0), with ~5% missing values.
Data MakeData(size_t rows, size_t cols, bool binary, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 1.f);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  Data d;
  d.rows = rows;
  d.cols = cols;
  d.x.resize(rows * cols);
  d.y.resize(rows);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < cols; ++j) d.x[i * cols + j] = n(rng);
    float* r = &d.x[i * cols];
    auto at = [&](size_t j) { return j < cols ? r[j] : 0.f; };  // narrow tables use the columns they have
    float v = 2 * at(0) - at(1) + 0.5f * at(2) * at(3) + 0.3f * n(rng);
    d.y[i] = binary ? (v > 0 ? 1.f : 0.f) : v;
    for (size_t j = 0; j < cols; ++j)
      if (u(rng) < 0.05f) r[j] = std::nanf("");
  }
  return d;
}

bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The compiled forest of `b` reproduces XGBoost's own predictions on the rows of `d` (matrix `m`).
void ExpectForestMatches(const XgbBooster& b, const XgbMatrix& m, const Data& d, size_t trees, bool binary) {
  auto pred = b.Predict(m);
  auto margin = b.Predict(m, /*output_margin=*/true);
  ASSERT_TRUE(pred.ok() && margin.ok());
  auto forest = XgbForest::FromJson(*b.Save("json"));
  ASSERT_TRUE(forest.ok()) << forest.error().message;
  EXPECT_EQ(forest->num_trees(), trees);
  EXPECT_EQ(forest->num_features(), static_cast<int>(d.cols));
  EXPECT_EQ(forest->logistic(), binary);
  int exact = 0;
  for (size_t i = 0; i < d.rows; ++i) {
    float fm = forest->PredictMargin(&d.x[i * d.cols]);
    float fp = forest->Predict(&d.x[i * d.cols]);
    ASSERT_NEAR(fm, (*margin)[i], 1e-5) << "row " << i;
    ASSERT_NEAR(fp, (*pred)[i], 1e-6) << "row " << i;
    exact += SameBits(fm, (*margin)[i]);
  }
  EXPECT_GT(exact, static_cast<int>(d.rows * 0.99)) << "margins should match bit for bit";
}

TEST(Xgb, TrainsPredictsAndRoundTripsBitIdentical) {
  Data d = MakeData(3000, 6, false, 1);
  auto m = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m->SetLabels(d.y).ok());
  EXPECT_EQ(*m->rows(), 3000u);
  EXPECT_EQ(*m->cols(), 6u);
  XgbParams p;
  p.num_rounds = 30;
  p.nthread = 1;  // 2 threads spin badly on a loaded 2-core machine (see docs/ENGINES.md)
  auto b = XgbBooster::Train(*m, p);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b->BoostedRounds(), 30);
  auto pred = b->Predict(*m);
  ASSERT_TRUE(pred.ok());
  ASSERT_EQ(pred->size(), d.rows);
  double sse = 0, sst = 0, mean = 0;
  for (float y : d.y) mean += y / d.rows;
  for (size_t i = 0; i < d.rows; ++i) sse += std::pow((*pred)[i] - d.y[i], 2), sst += std::pow(d.y[i] - mean, 2);
  EXPECT_LT(sse / sst, 0.3);  // it learned the signal

  for (const char* fmt : {"ubj", "json"}) {
    auto bytes = b->Save(fmt);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto b2 = XgbBooster::Load(*bytes, 1);
    ASSERT_TRUE(b2.ok()) << b2.error().message;
    auto pred2 = b2->Predict(*m);
    ASSERT_TRUE(pred2.ok());
    ASSERT_EQ(pred2->size(), pred->size());
    for (size_t i = 0; i < pred->size(); ++i) ASSERT_TRUE(SameBits((*pred)[i], (*pred2)[i])) << fmt << " row " << i;
  }
}

TEST(Xgb, SameSeedSameModel) {
  Data d = MakeData(2000, 5, false, 2);
  auto m = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->SetLabels(d.y).ok());
  XgbParams p;
  p.num_rounds = 10;
  p.seed = 7;
  auto a = XgbBooster::Train(*m, p);
  auto b = XgbBooster::Train(*m, p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a->Save("json"), *b->Save("json"));
}

// The compiled forest must reproduce XGBoost's own predictions, including missing values.
TEST(Xgb, ForestMatchesXgboostPredictions) {
  for (bool binary : {false, true}) {
    Data d = MakeData(2500, 8, binary, 3);
    auto m = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(m->SetLabels(d.y).ok());
    XgbParams p;
    p.objective = binary ? "binary:logistic" : "reg:squarederror";
    p.num_rounds = 40;
    auto b = XgbBooster::Train(*m, p);
    ASSERT_TRUE(b.ok()) << b.error().message;
    ExpectForestMatches(*b, *m, d, 40, binary);
  }
}

// Warm start: a model continued on new data keeps its trees, gets exactly the extra ones, moves
// toward the new data, and the compiled forest of the extended model still reproduces XGBoost.
TEST(Xgb, ContinueAddsExactlyTheExtraTrees) {
  for (bool binary : {false, true}) {
    SCOPED_TRACE(binary ? "binary:logistic" : "reg:squarederror");
    Data old_d = MakeData(2000, 6, binary, 11);
    Data new_d = MakeData(1500, 6, binary, 12);
    for (float& y : new_d.y) y = binary ? 1.f - y : y + 2.f;  // the relation moved
    auto mo = XgbMatrix::FromDense(old_d.x, old_d.rows, old_d.cols, 1);
    auto mn = XgbMatrix::FromDense(new_d.x, new_d.rows, new_d.cols, 1);
    ASSERT_TRUE(mo.ok() && mn.ok());
    ASSERT_TRUE(mo->SetLabels(old_d.y).ok());
    ASSERT_TRUE(mn->SetLabels(new_d.y).ok());
    XgbParams p;
    p.objective = binary ? "binary:logistic" : "reg:squarederror";
    p.num_rounds = 20;
    auto b = XgbBooster::Train(*mo, p);
    ASSERT_TRUE(b.ok()) << b.error().message;
    const std::string model = *b->Save("json");
    auto before = b->Predict(*mn);
    ASSERT_TRUE(before.ok());

    // 0 extra trees: the model as it was.
    auto same = XgbBooster::Continue(model, *mn, p, 0);
    ASSERT_TRUE(same.ok()) << same.error().message;
    EXPECT_EQ(*same->BoostedRounds(), 20);
    auto same_pred = same->Predict(*mn);
    ASSERT_TRUE(same_pred.ok());
    for (size_t i = 0; i < new_d.rows; ++i) ASSERT_TRUE(SameBits((*before)[i], (*same_pred)[i])) << "row " << i;

    auto c = XgbBooster::Continue(model, *mn, p, 7);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(*c->BoostedRounds(), 27);
    auto after = c->Predict(*mn);
    ASSERT_TRUE(after.ok());
    double err_before = 0, err_after = 0;
    for (size_t i = 0; i < new_d.rows; ++i) {
      err_before += std::fabs((*before)[i] - new_d.y[i]);
      err_after += std::fabs((*after)[i] - new_d.y[i]);
    }
    EXPECT_LT(err_after, 0.9 * err_before) << "the extra trees learn from the new data";
    ExpectForestMatches(*c, *mn, new_d, 27, binary);

    // Deterministic, whatever the process trained in between.
    XgbParams other = p;
    other.seed = 99;
    ASSERT_TRUE(XgbBooster::Train(*mn, other).ok());
    auto again = XgbBooster::Continue(model, *mn, p, 7);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again->Save("json"), *c->Save("json"));
  }
  Data d = MakeData(300, 3, false, 13);
  auto m = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(XgbBooster::Continue("not a model", *m, XgbParams{}, 3).ok());
  EXPECT_FALSE(XgbBooster::Continue("", *m, XgbParams{}, 0).ok());
  EXPECT_FALSE(XgbBooster::Continue("{}", *m, XgbParams{}, -1).ok());
}

TEST(Xgb, BadParameterReturnsXgboostText) {
  Data d = MakeData(200, 3, false, 4);
  auto m = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->SetLabels(d.y).ok());
  XgbParams p;
  p.objective = "no:such_objective";
  p.num_rounds = 2;
  auto b = XgbBooster::Train(*m, p);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("xgboost"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("no:such_objective"), std::string::npos) << b.error().message;

  XgbParams q;
  q.num_rounds = 2;
  q.extra = {{"max_depth", "-3"}};
  auto c = XgbBooster::Train(*m, q);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("max_depth"), std::string::npos) << c.error().message;
}

TEST(Xgb, RejectsBadInputs) {
  std::vector<float> x(10, 1.f);
  auto m = XgbMatrix::FromDense(x, 3, 4, 1);  // 10 values for 12 cells
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  auto b = XgbBooster::Load("definitely not a model");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("xgboost"), std::string::npos);
  auto f = XgbForest::FromJson("{\"learner\": 3}");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::kDataLoss);
  Data d = MakeData(100, 2, false, 5);
  auto mm = XgbMatrix::FromDense(d.x, d.rows, d.cols, 1);
  ASSERT_TRUE(mm.ok());
  ASSERT_TRUE(mm->SetLabels(d.y).ok());
  XgbParams p;
  p.num_rounds = 2;
  auto bb = XgbBooster::Train(*mm, p);
  ASSERT_TRUE(bb.ok());
  EXPECT_FALSE(bb->Save("xml").ok());
}

TEST(Ridge, RecoversCoefficientsAndRoundTrips) {
  std::mt19937 rng(9);
  std::normal_distribution<double> n(0, 1);
  const size_t rows = 4000, cols = 4;
  std::vector<double> x(rows * cols), y(rows);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < cols; ++j) x[i * cols + j] = 10 + 3 * n(rng);
    x[i * cols + 3] = 5.0;  // a constant column
    y[i] = 1.0 + 2.0 * x[i * cols] - 0.5 * x[i * cols + 1] + 0.1 * n(rng);
  }
  auto r = Ridge::Fit(x, y, rows, cols, 1e-6);
  ASSERT_TRUE(r.ok()) << r.error().message;
  double probe[4] = {12, 9, 100, 5};
  EXPECT_NEAR(r->Predict(probe), 1 + 24 - 4.5, 0.05);
  EXPECT_NEAR(r->coef()[0] / r->scale()[0], 2.0, 0.01);
  EXPECT_EQ(r->coef()[3], 0.0);
  double with_nan[4] = {std::nan(""), 10, 10, 5};  // NaN counts as the training mean
  double at_mean[4] = {r->mean()[0], 10, 10, 5};
  EXPECT_EQ(r->Predict(with_nan), r->Predict(at_mean));

  auto r2 = Ridge::Load(r->Save());
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  for (size_t i = 0; i < 200; ++i) {
    double a = r->Predict(&x[i * cols]), b = r2->Predict(&x[i * cols]);
    ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0);
  }
  // A strong penalty shrinks the coefficients toward 0.
  auto big = Ridge::Fit(x, y, rows, cols, 1e7);
  ASSERT_TRUE(big.ok());
  EXPECT_LT(std::fabs(big->coef()[0]), std::fabs(r->coef()[0]) * 0.1);
}

TEST(Ridge, RejectsBadInputsAndCorruptBytes) {
  std::vector<double> x(6, 1.0), y(3, 1.0);
  EXPECT_FALSE(Ridge::Fit(x, y, 3, 3, 1.0).ok());  // 6 values for 3x3
  EXPECT_FALSE(Ridge::Fit(x, y, 3, 2, -1.0).ok());
  y[1] = std::nan("");
  EXPECT_FALSE(Ridge::Fit(x, y, 3, 2, 1.0).ok());
  y[1] = 2;
  auto r = Ridge::Fit(x, y, 3, 2, 1.0);
  ASSERT_TRUE(r.ok());
  std::string bytes = r->Save();
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(Ridge::Load(bytes.substr(0, cut)).ok()) << cut;
  EXPECT_FALSE(Ridge::Load(bytes + "x").ok());
}

TEST(Bytes, DoublesRoundTripExactly) {
  ByteWriter w;
  std::vector<double> v = {0.1, -0.0, 1e-310, std::nan(""), 1.0 / 3.0, -1e300};
  w.F64s(v);
  w.Str("abc");
  ByteReader r(w.bytes(), "test");
  std::vector<double> back = r.F64s();
  EXPECT_EQ(r.Str(), "abc");
  ASSERT_TRUE(r.Finish().ok());
  ASSERT_EQ(back.size(), v.size());
  EXPECT_EQ(std::memcmp(back.data(), v.data(), v.size() * sizeof(double)), 0);
  const std::string lie("\xff\xff\xff\xff\xff\xff\xff\x7f", 8);
  ByteReader lying(lie, "lying");
  EXPECT_TRUE(lying.F64s().empty());
  EXPECT_FALSE(lying.Finish().ok());
}

}  // namespace
}  // namespace huracan::ml
