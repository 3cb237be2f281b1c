// Rolling building blocks shared by the indicators. Every block is a small state machine:
// Push() consumes one value and costs O(1) (amortised for the window max/min), and
// Serialize() saves or restores the whole state, so a stream can stop and resume exactly.
//
// Two families:
//  - Ta*: reproduce TA-Lib's own floating-point operation order (running sums included), so
//    the talib-reference columns equal TA-Lib's C code bit for bit.
//  - Rolling*: numerically robust windows for our own features. Sums are kept relative to a
//    shift near the window mean and are recomputed from the ring buffer once per window, so
//    they do not drift over hundreds of thousands of bars.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "features/frame.h"
#include "features/state_io.h"

namespace huracan::features {

// TA-Lib INT_SMA as a stream: NaN until `period` values, then the running-sum mean.
class TaSma {
 public:
  explicit TaSma(int period) : p_(period), buf_(static_cast<size_t>(period), 0.0) {}
  double Push(double x) {
    buf_[slot_] = x;
    slot_ = slot_ + 1 == buf_.size() ? 0 : slot_ + 1;  // now the oldest value's slot
    if (n_ < p_ - 1) {
      total_ += x;
      ++n_;
      return kNaN;
    }
    total_ += x;
    const double out = total_ / p_;
    total_ -= buf_[slot_];
    ++n_;
    return out;
  }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.Index(slot_, buf_.size());
    io.F(total_);
    io.F(buf_);
  }

 private:
  int p_;
  std::vector<double> buf_;
  int64_t n_ = 0;
  size_t slot_ = 0;
  double total_ = 0;
};

// TA-Lib INT_EMA (default compatibility): seeded with the SMA of the first `period` values.
class TaEma {
 public:
  TaEma(int period, double k) : p_(period), k_(k) {}
  explicit TaEma(int period) : TaEma(period, 2.0 / static_cast<double>(period + 1)) {}
  double Push(double x) {
    if (n_ < p_) {
      sum_ += x;
      ++n_;
      if (n_ < p_) return kNaN;
      prev_ = sum_ / p_;
      return prev_;
    }
    prev_ = ((x - prev_) * k_) + prev_;
    return prev_;
  }
  bool ready() const { return n_ >= p_; }
  double value() const { return ready() ? prev_ : kNaN; }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.F(sum_);
    io.F(prev_);
  }

 private:
  int p_;
  double k_;
  int64_t n_ = 0;
  double sum_ = 0, prev_ = 0;
};

// TA-Lib ATR (Wilder): first value is the plain mean of the first `period` true ranges.
// The true range of the very first bar does not exist (TA-Lib starts at bar 1).
class TaAtr {
 public:
  explicit TaAtr(int period) : p_(period) {}
  // `tr` is the true range of this bar; pass NaN for the first bar of the series.
  double Push(double tr) {
    if (n_ == 0) {
      ++n_;
      return kNaN;
    }
    if (n_ <= p_) {
      sum_ += tr;
      ++n_;
      if (n_ <= p_) return kNaN;
      atr_ = sum_ / p_;
      return atr_;
    }
    atr_ *= p_ - 1;
    atr_ += tr;
    atr_ /= p_;
    ++n_;
    return atr_;
  }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.F(sum_);
    io.F(atr_);
  }

 private:
  int p_;
  int64_t n_ = 0;
  double sum_ = 0, atr_ = 0;
};

// True range as TA-Lib computes it (high-low, |prev close - high|, |prev close - low|).
inline double TaTrueRange(double high, double low, double prev_close) {
  double greatest = high - low;
  const double v2 = std::fabs(prev_close - high);
  if (v2 > greatest) greatest = v2;
  const double v3 = std::fabs(prev_close - low);
  if (v3 > greatest) greatest = v3;
  return greatest;
}

// Max (kMax) or min of the last `period` pushed values; NaN values are skipped. The values come
// in segments of `period`: the window is the newest segment's first j values (their running
// extreme) and the previous segment's last period - j values, whose suffix extremes are built
// once per segment (van Herk / Gil-Werman). O(1) per push amortised, with one well-predicted
// branch; the extreme of a set is exact, so any correct method gives the same bits. A window
// holding only NaNs gives -inf (max) or +inf (min).
template <bool kMax>
class WindowExtreme {
 public:
  explicit WindowExtreme(int period)
      : p_(period), cur_(static_cast<size_t>(period), kNone), suffix_(static_cast<size_t>(period), kNone) {}
  void Push(double v) {
    cur_[j_] = v;
    run_ = Better(run_, v);
    ++j_;
    ++n_;
    if (j_ < cur_.size()) {
      value_ = Better(run_, suffix_[j_]);
      return;
    }
    // The segment is complete: the window is exactly this segment, which becomes the previous one.
    value_ = run_;
    double acc = kNone;
    for (size_t k = cur_.size(); k-- > 0;) suffix_[k] = acc = Better(acc, cur_[k]);
    j_ = 0;
    run_ = kNone;
  }
  // Extreme of the last min(count, period) values; NaN before the first push.
  double value() const { return n_ > 0 ? value_ : kNaN; }
  int64_t count() const { return n_; }
  bool full() const { return n_ >= p_; }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.Index(j_, cur_.size());
    io.F(run_);
    io.F(value_);
    io.F(cur_);
    io.F(suffix_);
  }

 private:
  // The identity of Better: nothing beats it, and it beats nothing.
  static constexpr double kNone =
      kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  static double Better(double a, double b) { return (kMax ? b > a : b < a) ? b : a; }  // NaN b: a
  int64_t p_;
  std::vector<double> cur_, suffix_;
  size_t j_ = 0;
  int64_t n_ = 0;
  double run_ = kNone, value_ = kNone;
};

// Sum of the last `period` values (NaN values are skipped and counted apart), recomputed
// from the ring once per window so it never drifts.
class RollingSum {
 public:
  explicit RollingSum(int period) : buf_(static_cast<size_t>(period), kNaN) {}
  void Push(double x) {
    const size_t slot = slot_;
    const double old = buf_[slot];
    buf_[slot] = x;
    ++n_;
    slot_ = slot + 1 == buf_.size() ? 0 : slot + 1;
    if (slot_ == 0) {
      Recompute();
      return;
    }
    if (!std::isnan(old)) {
      sum_ -= old;
      --valid_;
    }
    if (!std::isnan(x)) {
      sum_ += x;
      ++valid_;
    }
  }
  double sum() const { return sum_; }
  int64_t valid() const { return valid_; }
  bool full() const { return n_ >= static_cast<int64_t>(buf_.size()); }
  int64_t count() const { return n_; }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.Index(slot_, buf_.size());
    io.F(valid_);
    io.F(sum_);
    io.F(buf_);
  }

 private:
  void Recompute() {
    sum_ = 0;
    valid_ = 0;
    for (double v : buf_)
      if (!std::isnan(v)) {
        sum_ += v;
        ++valid_;
      }
  }
  std::vector<double> buf_;
  size_t slot_ = 0;
  int64_t n_ = 0, valid_ = 0;
  double sum_ = 0;
};

// Mean, variance and (optionally) third and fourth central moments of the last `period`
// values. NaN values are skipped. Sums are of (x - shift) with the shift reset to the window
// mean at each recompute, which removes the cancellation of the textbook E[x^2] - E[x]^2.
class RollingMoments {
 public:
  RollingMoments(int period, bool higher = false) : higher_(higher), buf_(static_cast<size_t>(period), kNaN) {}
  void Push(double x) {
    const size_t slot = slot_;
    const double old = buf_[slot];
    buf_[slot] = x;
    ++n_;
    slot_ = slot + 1 == buf_.size() ? 0 : slot + 1;
    if (slot_ == 0 || (valid_ == 0 && !std::isnan(x))) {
      Recompute();
      return;
    }
    if (!std::isnan(old)) Remove(old - shift_);
    if (!std::isnan(x)) Add(x - shift_);
  }
  int64_t valid() const { return valid_; }
  bool full() const { return n_ >= static_cast<int64_t>(buf_.size()); }
  int64_t count() const { return n_; }
  double mean() const { return shift_ + s1_ / static_cast<double>(valid_); }
  // Population variance (divide by n); never negative.
  double var_pop() const {
    const double n = static_cast<double>(valid_);
    const double m = s1_ / n;
    const double v = s2_ / n - m * m;
    return v > 0 ? v : 0.0;
  }
  // Sample variance (divide by n - 1).
  double var_sample() const {
    const double n = static_cast<double>(valid_);
    return valid_ > 1 ? var_pop() * n / (n - 1) : kNaN;
  }
  // Population central moments 3 and 4 (needs `higher`).
  double m3() const {
    const double n = static_cast<double>(valid_);
    const double m = s1_ / n;
    return s3_ / n - 3 * m * s2_ / n + 2 * m * m * m;
  }
  double m4() const {
    const double n = static_cast<double>(valid_);
    const double m = s1_ / n;
    return s4_ / n - 4 * m * s3_ / n + 6 * m * m * s2_ / n - 3 * m * m * m * m;
  }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.Index(slot_, buf_.size());
    io.F(valid_);
    io.F(shift_);
    io.F(s1_);
    io.F(s2_);
    io.F(s3_);
    io.F(s4_);
    io.F(buf_);
  }

 private:
  void Add(double d) {
    const double d2 = d * d;
    s1_ += d;
    s2_ += d2;
    if (higher_) {
      s3_ += d2 * d;
      s4_ += d2 * d2;
    }
    ++valid_;
  }
  void Remove(double d) {
    const double d2 = d * d;
    s1_ -= d;
    s2_ -= d2;
    if (higher_) {
      s3_ -= d2 * d;
      s4_ -= d2 * d2;
    }
    --valid_;
  }
  void Recompute() {
    double sum = 0;
    int64_t cnt = 0;
    for (double v : buf_)
      if (!std::isnan(v)) {
        sum += v;
        ++cnt;
      }
    shift_ = cnt > 0 ? sum / static_cast<double>(cnt) : 0.0;
    s1_ = s2_ = s3_ = s4_ = 0;
    valid_ = 0;
    for (double v : buf_)
      if (!std::isnan(v)) Add(v - shift_);
  }
  bool higher_;
  std::vector<double> buf_;
  size_t slot_ = 0;
  int64_t n_ = 0, valid_ = 0;
  double shift_ = 0, s1_ = 0, s2_ = 0, s3_ = 0, s4_ = 0;
};

// Covariance of pairs (x, y) over the last `period` rows; a pair with a NaN is skipped.
class RollingCov {
 public:
  explicit RollingCov(int period) : xs_(static_cast<size_t>(period), kNaN), ys_(static_cast<size_t>(period), kNaN) {}
  void Push(double x, double y) {
    if (std::isnan(x) || std::isnan(y)) x = y = kNaN;
    const size_t slot = slot_;
    const double ox = xs_[slot], oy = ys_[slot];
    xs_[slot] = x;
    ys_[slot] = y;
    ++n_;
    slot_ = slot + 1 == xs_.size() ? 0 : slot + 1;
    if (slot_ == 0 || (valid_ == 0 && !std::isnan(x))) {
      Recompute();
      return;
    }
    if (!std::isnan(ox)) Remove(ox - kx_, oy - ky_);
    if (!std::isnan(x)) Add(x - kx_, y - ky_);
  }
  int64_t valid() const { return valid_; }
  // Population covariance and variance of x.
  double cov() const {
    const double n = static_cast<double>(valid_);
    return sxy_ / n - (sx_ / n) * (sy_ / n);
  }
  double var_x() const {
    const double n = static_cast<double>(valid_);
    const double v = sxx_ / n - (sx_ / n) * (sx_ / n);
    return v > 0 ? v : 0.0;
  }
  void Serialize(StateIO& io) {
    io.F(n_);
    io.Index(slot_, xs_.size());
    io.F(valid_);
    io.F(kx_);
    io.F(ky_);
    io.F(sx_);
    io.F(sy_);
    io.F(sxx_);
    io.F(sxy_);
    io.F(xs_);
    io.F(ys_);
  }

 private:
  void Add(double dx, double dy) {
    sx_ += dx;
    sy_ += dy;
    sxx_ += dx * dx;
    sxy_ += dx * dy;
    ++valid_;
  }
  void Remove(double dx, double dy) {
    sx_ -= dx;
    sy_ -= dy;
    sxx_ -= dx * dx;
    sxy_ -= dx * dy;
    --valid_;
  }
  void Recompute() {
    double mx = 0, my = 0;
    int64_t cnt = 0;
    for (size_t i = 0; i < xs_.size(); ++i)
      if (!std::isnan(xs_[i])) {
        mx += xs_[i];
        my += ys_[i];
        ++cnt;
      }
    kx_ = cnt > 0 ? mx / static_cast<double>(cnt) : 0.0;
    ky_ = cnt > 0 ? my / static_cast<double>(cnt) : 0.0;
    sx_ = sy_ = sxx_ = sxy_ = 0;
    valid_ = 0;
    for (size_t i = 0; i < xs_.size(); ++i)
      if (!std::isnan(xs_[i])) Add(xs_[i] - kx_, ys_[i] - ky_);
  }
  std::vector<double> xs_, ys_;
  size_t slot_ = 0;
  int64_t n_ = 0, valid_ = 0;
  double kx_ = 0, ky_ = 0, sx_ = 0, sy_ = 0, sxx_ = 0, sxy_ = 0;
};

}  // namespace huracan::features
