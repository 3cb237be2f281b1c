// The rolling building blocks against plain recomputation, and the state reader's guards.
#include "features/rolling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "features/state_io.h"

namespace huracan::features {
namespace {

// Extreme of the non-NaN values among the last min(i + 1, p) values (NaN if there is none).
double NaiveExtreme(const std::vector<double>& x, size_t i, size_t p, bool max) {
  double best = kNaN;
  for (size_t k = i + 1 > p ? i + 1 - p : 0; k <= i; ++k) {
    if (std::isnan(x[k])) continue;
    if (std::isnan(best) || (max ? x[k] > best : x[k] < best)) best = x[k];
  }
  return best;
}

template <bool kMax>
void CheckWindowExtreme(const std::vector<double>& x, int p) {
  WindowExtreme<kMax> w(p);
  EXPECT_TRUE(std::isnan(w.value()));
  size_t bad = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    w.Push(x[i]);
    const double want = NaiveExtreme(x, i, static_cast<size_t>(p), kMax);
    // A window of NaNs only has no extreme: the block reports the identity (an infinity).
    const bool ok = std::isnan(want) ? std::isinf(w.value()) : w.value() == want;
    if (!ok && ++bad <= 3) ADD_FAILURE() << "p " << p << " row " << i << ": " << w.value() << " want " << want;
    EXPECT_EQ(w.full(), i + 1 >= static_cast<size_t>(p));
  }
  EXPECT_EQ(bad, 0u) << "p " << p << (kMax ? " max" : " min");
}

TEST(Rolling, WindowExtremeEqualsTheNaiveMaxAndMin) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 1.0);
  std::vector<double> walk, ties, with_nan;
  double level = 100;
  for (int i = 0; i < 3000; ++i) {
    level += step(rng);
    walk.push_back(level);
    ties.push_back(std::round(level / 4));  // many equal values
    with_nan.push_back(i % 17 == 3 || (i >= 500 && i < 530) ? kNaN : level);
  }
  for (int p : {1, 2, 3, 7, 14, 20, 55, 64, 1000}) {
    for (const auto* x : {&walk, &ties, &with_nan}) {
      CheckWindowExtreme<true>(*x, p);
      CheckWindowExtreme<false>(*x, p);
    }
  }
}

TEST(Rolling, WindowExtremeContinuesExactlyAfterSaveAndLoad) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(500);
  for (double& v : x) v = u(rng);
  for (size_t cut : {size_t{0}, size_t{5}, size_t{20}, size_t{21}, size_t{333}}) {
    WindowExtreme<true> a(20);
    for (size_t i = 0; i < cut; ++i) a.Push(x[i]);
    StateIO w = StateIO::Writer();
    a.Serialize(w);
    WindowExtreme<true> b(20);
    StateIO r = StateIO::Reader(w.bytes());
    b.Serialize(r);
    ASSERT_TRUE(r.ok() && r.at_end()) << cut;
    for (size_t i = cut; i < x.size(); ++i) {
      a.Push(x[i]);
      b.Push(x[i]);
      ASSERT_EQ(a.value(), b.value()) << "cut " << cut << " row " << i;
    }
  }
}

// A saved ring position at or past its buffer would make the next push write outside it: the
// reader refuses it instead.
TEST(Rolling, StateReaderRefusesARingPositionOutsideItsBuffer) {
  for (uint64_t pos : {uint64_t{3}, uint64_t{4}, std::numeric_limits<uint64_t>::max()}) {
    StateIO w = StateIO::Writer();
    size_t v = pos;
    w.F(v);
    StateIO r = StateIO::Reader(w.bytes());
    size_t got = 0;
    r.Index(got, 3);
    EXPECT_FALSE(r.ok()) << pos;
  }
  StateIO w = StateIO::Writer();
  size_t v = 2;
  w.F(v);
  StateIO r = StateIO::Reader(w.bytes());
  size_t got = 0;
  r.Index(got, 3);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(got, 2u);

  // The same through a whole indicator: an SMA's slot rewritten to 1000 is refused.
  TaSma sma(3);
  for (double x : {1.0, 2.0, 3.0, 4.0}) sma.Push(x);
  StateIO sw = StateIO::Writer();
  sma.Serialize(sw);
  std::string bytes = sw.bytes();
  const size_t slot_at = sizeof(int64_t);  // n, then slot
  const size_t bad_slot = 1000;
  bytes.replace(slot_at, sizeof(size_t), reinterpret_cast<const char*>(&bad_slot), sizeof(size_t));
  TaSma loaded(3);
  StateIO sr = StateIO::Reader(bytes);
  loaded.Serialize(sr);
  EXPECT_FALSE(sr.ok());
}

}  // namespace
}  // namespace huracan::features
