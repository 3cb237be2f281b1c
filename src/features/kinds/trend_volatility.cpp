// Scale-free trend and volatility features (returns, moving-average ratios, volatility
// estimators, band and channel positions, squeeze, efficiency, moments, z-scores, candle shape)
// and their table entries.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "features/kinds/kind.h"
#include "features/kinds/prior_channel.h"

namespace huracan::features::kinds {
namespace {

class LogReturnNode final : public Node<LogReturnNode, 1> {
 public:
  explicit LogReturnNode(int p) : p_(p) {}
  void Step(const BarContext& ctx, double* out) {
    out[0] = ctx.index >= p_ ? kBps * (ctx.log_close - ctx.hist.log_close(p_)) : kNaN;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
};

class EmaRatioNode final : public Node<EmaRatioNode, 1> {
 public:
  EmaRatioNode(int fast, int slow) : fp_(fast), sp_(slow) {}
  void Bind(SharedInputs& sh) override {
    fast_ = sh.Ema(fp_);
    slow_ = sh.Ema(sp_);
  }
  void Step(const BarContext& ctx, double* out) {
    const double f = fast_[ctx.row], s = slow_[ctx.row];
    out[0] = (IsNaN(f) || IsNaN(s)) ? kNaN : kBps * (f / s - 1.0);
  }
  void Serialize(StateIO&) override {}

 private:
  int fp_, sp_;
  const double *fast_ = nullptr, *slow_ = nullptr;
};

class SmaRatioNode final : public Node<SmaRatioNode, 1> {
 public:
  explicit SmaRatioNode(int p) : p_(p), sum_(p) {}
  void Step(const BarContext& ctx, double* out) {
    sum_.Push(ctx.bar.close);
    if (sum_.valid() < p_) {
      out[0] = kNaN;
      return;
    }
    out[0] = kBps * (ctx.bar.close / (sum_.sum() / p_) - 1.0);
  }
  void Serialize(StateIO& io) override { sum_.Serialize(io); }

 private:
  int p_;
  RollingSum sum_;
};

// Sample standard deviation of 1-bar log returns over the window, in bps.
class VolCcNode final : public Node<VolCcNode, 1> {
 public:
  explicit VolCcNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { m_ = sh.ReturnMoments(p_, false); }
  void Step(const BarContext& ctx, double* out) { out[0] = m_->valid[ctx.row] == p_ ? m_->sd_sample[ctx.row] : kNaN; }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const SharedInputs::Moments* m_ = nullptr;
};

class VolRatioNode final : public Node<VolRatioNode, 1> {
 public:
  VolRatioNode(int fast, int slow) : fp_(fast), sp_(slow) {}
  void Bind(SharedInputs& sh) override {
    fast_ = sh.ReturnMoments(fp_, false);
    slow_ = sh.ReturnMoments(sp_, false);
  }
  void Step(const BarContext& ctx, double* out) {
    const size_t r = ctx.row;
    if (fast_->valid[r] < fp_ || slow_->valid[r] < sp_) {
      out[0] = kNaN;
      return;
    }
    const double f = fast_->sd_sample[r], s = slow_->sd_sample[r];
    out[0] = s > 0 ? f / s : 1.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int fp_, sp_;
  const SharedInputs::Moments *fast_ = nullptr, *slow_ = nullptr;
};

// Parkinson (kind 0) or Garman-Klass (kind 1) per-bar volatility over the window, in bps.
class RangeVolNode final : public Node<RangeVolNode, 1> {
 public:
  RangeVolNode(int p, bool gk) : p_(p), gk_(gk), sum_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const double hl = ctx.log_hl;
    double term;
    if (gk_) {
      const double co = ctx.log_co;
      term = 0.5 * hl * hl - (2.0 * std::numbers::ln2 - 1.0) * co * co;
    } else {
      term = hl * hl / (4.0 * std::numbers::ln2);
    }
    sum_.Push(term);
    if (sum_.valid() < p_) {
      out[0] = kNaN;
      return;
    }
    const double mean = sum_.sum() / p_;
    out[0] = kBps * std::sqrt(mean > 0 ? mean : 0.0);
  }
  void Serialize(StateIO& io) override { sum_.Serialize(io); }

 private:
  int p_;
  bool gk_;
  RollingSum sum_;
};

// Bollinger %b and bandwidth with a population standard deviation (as TA-Lib's BBANDS).
class BbPositionNode final : public Node<BbPositionNode, 2> {
 public:
  BbPositionNode(int p, double k) : p_(p), k_(k) {}
  void Bind(SharedInputs& sh) override { m_ = sh.CloseMoments(p_); }
  void Step(const BarContext& ctx, double* out) {
    const size_t r = ctx.row;
    if (m_->valid[r] < p_) {
      out[0] = out[1] = kNaN;
      return;
    }
    const double mid = m_->mean[r], sd = m_->sd_pop[r];
    if (Flat(sd, mid)) {
      out[0] = 0.5;
      out[1] = 0.0;
      return;
    }
    const double upper = mid + k_ * sd, lower = mid - k_ * sd;
    out[0] = (ctx.bar.close - lower) / (upper - lower);
    out[1] = (upper - lower) / mid;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  double k_;
  const SharedInputs::Moments* m_ = nullptr;
};

class KeltnerPosNode final : public Node<KeltnerPosNode, 1> {
 public:
  KeltnerPosNode(int p, double k) : p_(p), k_(k) {}
  void Bind(SharedInputs& sh) override {
    ema_ = sh.Ema(p_);
    atr_ = sh.Atr(p_);
  }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double e = ema_[ctx.row];
    const double a = atr_[ctx.row];
    if (IsNaN(e) || IsNaN(a)) {
      out[0] = kNaN;
      return;
    }
    out[0] = a > 0 ? (b.close - e) / (k_ * a) : 0.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  double k_;
  const double *ema_ = nullptr, *atr_ = nullptr;
};

class DonchianPosNode final : public Node<DonchianPosNode, 1> {
 public:
  explicit DonchianPosNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { ch_ = sh.HighLow(p_); }
  void Step(const BarContext& ctx, double* out) {
    if (!ch_->full[ctx.row]) {
      out[0] = kNaN;
      return;
    }
    const double h = ch_->hi[ctx.row], l = ch_->lo[ctx.row], rng = h - l;
    out[0] = rng > 0 ? (ctx.bar.close - l) / rng : 0.5;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const SharedInputs::Channel* ch_ = nullptr;
};

class SqueezeNode final : public Node<SqueezeNode, 2> {
 public:
  SqueezeNode(int p, double bb_k, double kc_k, int min_bars) : p_(p), bb_k_(bb_k), kc_k_(kc_k), min_bars_(min_bars) {}
  void Bind(SharedInputs& sh) override {
    m_ = sh.CloseMoments(p_);
    ema_ = sh.Ema(p_);
    atr_ = sh.Atr(p_);
  }
  void Step(const BarContext& ctx, double* out) {
    const size_t r = ctx.row;
    const double e = ema_[r];
    const double a = atr_[r];
    if (m_->valid[r] < p_ || IsNaN(e) || IsNaN(a)) {
      out[0] = out[1] = kNaN;
      return;
    }
    const double mid = m_->mean[r], sd = m_->sd_pop[r];
    const bool on = (mid + bb_k_ * sd < e + kc_k_ * a) && (mid - bb_k_ * sd > e - kc_k_ * a);
    out[0] = on ? 1.0 : 0.0;
    out[1] = (!on && run_ >= min_bars_) ? 1.0 : 0.0;
    run_ = on ? run_ + 1 : 0;
  }
  void Serialize(StateIO& io) override { io.F(run_); }

 private:
  int p_;
  double bb_k_, kc_k_;
  int64_t min_bars_;
  int64_t run_ = 0;
  const SharedInputs::Moments* m_ = nullptr;
  const double *ema_ = nullptr, *atr_ = nullptr;
};

class EfficiencyRatioNode final : public Node<EfficiencyRatioNode, 1> {
 public:
  explicit EfficiencyRatioNode(int p) : p_(p), path_(p) {}
  void Step(const BarContext& ctx, double* out) {
    path_.Push(ctx.index == 0 ? kNaN : std::fabs(ctx.bar.close - ctx.prev_close));
    if (path_.valid() < p_) {
      out[0] = kNaN;
      return;
    }
    const double net = std::fabs(ctx.bar.close - ctx.hist.close(p_));
    out[0] = path_.sum() > 0 ? std::min(1.0, net / path_.sum()) : 0.0;
  }
  void Serialize(StateIO& io) override { path_.Serialize(io); }

 private:
  int p_;
  RollingSum path_;
};

class ReturnMomentsNode final : public Node<ReturnMomentsNode, 2> {
 public:
  explicit ReturnMomentsNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { m_ = sh.ReturnMoments(p_, true); }
  void Step(const BarContext& ctx, double* out) {
    const size_t r = ctx.row;
    if (m_->valid[r] < p_) {
      out[0] = out[1] = kNaN;
      return;
    }
    const double m2 = m_->var_pop[r];
    if (!(m2 > 1e-18)) {
      out[0] = out[1] = 0.0;
      return;
    }
    out[0] = m_->m3[r] / (m2 * std::sqrt(m2));
    out[1] = m_->m4[r] / (m2 * m2) - 3.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const SharedInputs::Moments* m_ = nullptr;
};

// z-score of the close against the window (incl. t), population stdev (shared close moments).
class CloseZNode final : public Node<CloseZNode, 1> {
 public:
  explicit CloseZNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { m_ = sh.CloseMoments(p_); }
  void Step(const BarContext& ctx, double* out) {
    const double x = ctx.bar.close;
    if (m_->valid[ctx.row] < p_) {
      out[0] = kNaN;
      return;
    }
    const double mean = m_->mean[ctx.row];
    const double sd = m_->sd_pop[ctx.row];
    out[0] = Flat(sd, mean) ? 0.0 : (x - mean) / sd;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const SharedInputs::Moments* m_ = nullptr;
};

class ReturnZNode final : public Node<ReturnZNode, 1> {
 public:
  ReturnZNode(int p, int vol_p) : p_(p), vol_p_(vol_p) {}
  void Bind(SharedInputs& sh) override { m_ = sh.ReturnMoments(vol_p_, false); }
  void Step(const BarContext& ctx, double* out) {
    if (ctx.index < p_ || m_->valid[ctx.row] < vol_p_) {
      out[0] = kNaN;
      return;
    }
    const double ret = kBps * (ctx.log_close - ctx.hist.log_close(p_));
    const double vol = m_->sd_sample[ctx.row];
    out[0] = vol > 0 ? ret / (vol * std::sqrt(static_cast<double>(p_))) : 0.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_, vol_p_;
  const SharedInputs::Moments* m_ = nullptr;
};

class CandleShapeNode final : public Node<CandleShapeNode, 4> {
 public:
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double rng = b.high - b.low;
    out[0] = kBps * rng / b.close;
    out[1] = kBps * (b.close - b.open) / b.open;
    out[2] = rng > 0 ? (b.high - std::max(b.open, b.close)) / rng : 0.0;
    out[3] = rng > 0 ? (std::min(b.open, b.close) - b.low) / rng : 0.0;
  }
  void Serialize(StateIO&) override {}
};

}  // namespace

std::vector<KindDef> TrendVolatilityKinds() {
  return {
      {.kind = "log_return",
       .help = "1e4 * ln(close_t / close_{t-p}), bps",
       .params = {Period(1)},
       .names = Column("ret", {"period"}),
       .make = New<LogReturnNode>(Int("period")),
       .history = HistoryOf("period"),
       .batch_ns = 2},
      {.kind = "ema_ratio",
       .help = "(EMA_fast / EMA_slow - 1) in bps, TA-Lib EMA seeding",
       .params = FastSlow(12, 26),
       .names = Column("ema_ratio", {"fast", "slow"}),
       .make = New<EmaRatioNode>(Int("fast"), Int("slow")),
       .batch_ns = 2.2},
      {.kind = "sma_ratio",
       .help = "(close / SMA - 1) in bps",
       .params = {Period(20)},
       .names = Column("sma_ratio", {"period"}),
       .make = New<SmaRatioNode>(Int("period")),
       .batch_ns = 10.5},
      {.kind = "vol_cc",
       .help = "sample stdev of 1-bar log returns, bps",
       .params = {Period(30, 2)},
       .names = Column("vol_cc", {"period"}),
       .make = New<VolCcNode>(Int("period")),
       .batch_ns = 2.2},
      {.kind = "vol_parkinson",
       .help = "Parkinson per-bar volatility, bps",
       .params = {Period(30)},
       .names = Column("vol_parkinson", {"period"}),
       .make = New<RangeVolNode>(Int("period"), false),
       .batch_ns = 12},
      {.kind = "vol_gk",
       .help = "Garman-Klass per-bar volatility, bps",
       .params = {Period(30)},
       .names = Column("vol_gk", {"period"}),
       .make = New<RangeVolNode>(Int("period"), true),
       .batch_ns = 11},
      {.kind = "vol_ratio",
       .help = "vol_cc_fast / vol_cc_slow",
       .params = FastSlow(30, 120),
       .names = Column("vol_ratio", {"fast", "slow"}),
       .make = New<VolRatioNode>(Int("fast"), Int("slow")),
       .batch_ns = 3},
      {.kind = "bb_position",
       .help = "Bollinger %b (close - lower)/(upper - lower) and bandwidth (upper - lower)/middle",
       .params = {Period(20, 2), RealParam("k", 2, 0, 100, "band width in standard deviations")},
       .names = Columns({"bb_pctb", "bb_width"}, {"period", "k"}),
       .make = New<BbPositionNode>(Int("period"), Real("k")),
       .batch_ns = 5},
      {.kind = "keltner_position",
       .help = "(close - EMA) / (k * ATR): +-1 at the Keltner bands",
       .params = {Period(20, 2), RealParam("k", 2, 0.01, 100, "band width in ATRs")},
       .names = Column("keltner_pos", {"period", "k"}),
       .make = New<KeltnerPosNode>(Int("period"), Real("k")),
       .batch_ns = 2.4},
      {.kind = "donchian_position",
       .help = "(close - min low) / (max high - min low) over the last p bars incl. t",
       .params = {Period(20)},
       .names = Column("donchian_pos", {"period"}),
       .make = New<DonchianPosNode>(Int("period")),
       .batch_ns = 2.6},
      {.kind = "donchian_break",
       .help = "+1 close above the previous p bars' max high, -1 below their min low, else 0",
       .params = {Period(20)},
       .names = Column("donchian_break", {"period"}),
       .make = New<PriorChannelNode<false>>(Int("period")),
       .batch_ns = 4},
      {.kind = "squeeze",
       .help = "squeeze_on: Bollinger bands inside Keltner channel; squeeze_release: first bar off after a run",
       .params = {Period(20, 2), RealParam("bb_k", 2, 0, 100, "Bollinger width in stdevs"),
                  RealParam("kc_k", 1.5, 0, 100, "Keltner width in ATRs"),
                  IntParam("min_bars", 5, 1, kMaxParam, "squeeze bars needed before a release counts")},
       .names = Fixed({"squeeze_on", "squeeze_release"}),
       .make = New<SqueezeNode>(Int("period"), Real("bb_k"), Real("kc_k"), Int("min_bars")),
       .batch_ns = 6},
      {.kind = "efficiency_ratio",
       .help = "Kaufman efficiency ratio |net move| / path length",
       .params = {Period(10)},
       .names = Column("er", {"period"}),
       .make = New<EfficiencyRatioNode>(Int("period")),
       .history = HistoryOf("period"),
       .batch_ns = 10},
      {.kind = "return_moments",
       .help = "skewness and excess kurtosis of 1-bar log returns",
       .params = {Period(60, 3)},
       .names = Columns({"skew", "kurt"}, {"period"}),
       .make = New<ReturnMomentsNode>(Int("period")),
       .batch_ns = 7},
      {.kind = "close_z",
       .help = "(close - SMA) / population stdev",
       .params = {Period(20, 2)},
       .names = Column("close_z", {"period"}),
       .make = New<CloseZNode>(Int("period")),
       .batch_ns = 3.5},
      {.kind = "return_z",
       .help = "ret_p / (vol_cc_{vol_period} * sqrt(p))",
       .params = {Period(15), IntParam("vol_period", 120, 2, kMaxParam, "volatility window")},
       .names = Column("ret_z", {"period"}),
       .make = New<ReturnZNode>(Int("period"), Int("vol_period")),
       .history = HistoryOf("period"),
       .batch_ns = 4.5},
      {.kind = "candle_shape",
       .help = "range_bps, body_bps, upper_wick_ratio, lower_wick_ratio of the bar",
       .names = Fixed({"range_bps", "body_bps", "upper_wick_ratio", "lower_wick_ratio"}),
       .make = New<CandleShapeNode>(),
       .batch_ns = 9},
  };
}

}  // namespace huracan::features::kinds
