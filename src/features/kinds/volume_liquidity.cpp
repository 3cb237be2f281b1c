// Volume and liquidity features (VWAP deviation, volume z-score and ratio, OBV slope, close
// location volume, upticks, Amihud illiquidity, Corwin-Schultz spread) and their table entries.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "features/kinds/kind.h"

namespace huracan::features::kinds {
namespace {

class VwapDevNode final : public Node<VwapDevNode, 1> {
 public:
  VwapDevNode(int p, int atr_p) : p_(p), atr_p_(atr_p), pv_(p) {}
  void Bind(SharedInputs& sh) override {
    v_ = sh.VolumeSum(p_);
    atr_ = sh.Atr(atr_p_);
  }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double tp = (b.high + b.low + b.close) / 3.0;
    pv_.Push(tp * b.volume);
    const size_t r = ctx.row;
    const double a = atr_[r];
    if (v_->valid[r] < p_ || IsNaN(a)) {
      out[0] = kNaN;
      return;
    }
    const double vwap = v_->sum[r] > 0 ? pv_.sum() / v_->sum[r] : b.close;
    out[0] = a > 0 ? (b.close - vwap) / a : 0.0;
  }
  void Serialize(StateIO& io) override { pv_.Serialize(io); }

 private:
  int p_, atr_p_;
  RollingSum pv_;
  const SharedInputs::Sum* v_ = nullptr;
  const double* atr_ = nullptr;
};

// z-score of the volume against the window (incl. t), population stdev.
class VolumeZNode final : public Node<VolumeZNode, 1> {
 public:
  explicit VolumeZNode(int p) : p_(p), m_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const double x = ctx.bar.volume;
    m_.Push(x);
    if (m_.valid() < p_) {
      out[0] = kNaN;
      return;
    }
    const double mean = m_.mean();
    const double sd = std::sqrt(m_.var_pop());
    out[0] = Flat(sd, mean) ? 0.0 : (x - mean) / sd;
  }
  void Serialize(StateIO& io) override { m_.Serialize(io); }

 private:
  int p_;
  RollingMoments m_;
};

class VolumeRatioNode final : public Node<VolumeRatioNode, 1> {
 public:
  VolumeRatioNode(int fast, int slow) : fp_(fast), sp_(slow) {}
  void Bind(SharedInputs& sh) override {
    fast_ = sh.VolumeSum(fp_);
    slow_ = sh.VolumeSum(sp_);
  }
  void Step(const BarContext& ctx, double* out) {
    const size_t r = ctx.row;
    if (slow_->valid[r] < sp_ || fast_->valid[r] < fp_) {
      out[0] = kNaN;
      return;
    }
    const double f = fast_->sum[r] / fp_, s = slow_->sum[r] / sp_;
    out[0] = s > 0 ? f / s : 1.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int fp_, sp_;
  const SharedInputs::Sum *fast_ = nullptr, *slow_ = nullptr;
};

// OLS slope of OBV over the last p bars, per bar, divided by the mean volume of those bars.
// OBV's level cancels out of the slope, so it is computed from the p-1 signed volumes inside
// the window with fixed weights k(p-k)/2 (no cumulative sum that could lose precision).
class ObvSlopeNode final : public Node<ObvSlopeNode, 1> {
 public:
  explicit ObvSlopeNode(int p) : p_(p), sv_(static_cast<size_t>(p - 1), 0.0) {
    for (int k = 1; k < p; ++k) w_.push_back(0.5 * k * (p - k));
    sxx_ = static_cast<double>(p) * (static_cast<double>(p) * p - 1.0) / 12.0;
  }
  void Bind(SharedInputs& sh) override { vol_ = sh.VolumeSum(p_); }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    if (ctx.index > 0) {
      const double s = b.close > ctx.prev_close ? b.volume : b.close < ctx.prev_close ? -b.volume : 0.0;
      sv_[slot_] = s;
      slot_ = slot_ + 1 == sv_.size() ? 0 : slot_ + 1;  // now the oldest
      ++nsv_;
    }
    if (nsv_ < p_ - 1) {
      out[0] = kNaN;
      return;
    }
    // Oldest signed volume in the window gets k = 1.
    // The ring from the oldest slot to its end, then from its start: two straight loops.
    double acc = 0;
    const size_t m = sv_.size();
    size_t k = 0;
    for (size_t j = slot_; j < m; ++j, ++k) acc += w_[k] * sv_[j];
    for (size_t j = 0; j < slot_; ++j, ++k) acc += w_[k] * sv_[j];
    const double slope = acc / sxx_;
    const double mean_v = vol_->sum[ctx.row] / p_;
    out[0] = mean_v > 0 ? slope / mean_v : 0.0;
  }
  void Serialize(StateIO& io) override {
    io.F(nsv_);
    io.Index(slot_, sv_.size());
    io.F(sv_);
  }

 private:
  int p_;
  std::vector<double> sv_, w_;
  int64_t nsv_ = 0;
  size_t slot_ = 0;
  double sxx_ = 1;
  const SharedInputs::Sum* vol_ = nullptr;
};

class ClvVolNode final : public Node<ClvVolNode, 1> {
 public:
  explicit ClvVolNode(int p) : p_(p), cv_(p) {}
  void Bind(SharedInputs& sh) override { v_ = sh.VolumeSum(p_); }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double rng = b.high - b.low;
    const double clv = rng > 0 ? ((b.close - b.low) - (b.high - b.close)) / rng : 0.0;
    cv_.Push(clv * b.volume);
    const size_t r = ctx.row;
    if (v_->valid[r] < p_) {
      out[0] = kNaN;
      return;
    }
    out[0] = v_->sum[r] > 0 ? cv_.sum() / v_->sum[r] : 0.0;
  }
  void Serialize(StateIO& io) override { cv_.Serialize(io); }

 private:
  int p_;
  RollingSum cv_;
  const SharedInputs::Sum* v_ = nullptr;
};

class UptickRatioNode final : public Node<UptickRatioNode, 1> {
 public:
  explicit UptickRatioNode(int p) : p_(p), up_(p) {}
  void Step(const BarContext& ctx, double* out) {
    up_.Push(ctx.index == 0 ? kNaN : (ctx.bar.close > ctx.prev_close ? 1.0 : 0.0));
    out[0] = up_.valid() < p_ ? kNaN : up_.sum() / p_;
  }
  void Serialize(StateIO& io) override { up_.Serialize(io); }

 private:
  int p_;
  RollingSum up_;
};

// Mean of |ret_1 in bps| / (close * volume) * 1e6 over the window; bars without volume skipped.
class AmihudNode final : public Node<AmihudNode, 1> {
 public:
  explicit AmihudNode(int p) : p_(p), sum_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const double dollar = ctx.bar.close * ctx.bar.volume;
    sum_.Push((IsNaN(ctx.lr1) || !(dollar > 0)) ? kNaN : std::fabs(kBps * ctx.lr1) / dollar * 1e6);
    if (ctx.index < p_ || sum_.valid() == 0) {
      out[0] = kNaN;
      return;
    }
    out[0] = sum_.sum() / static_cast<double>(sum_.valid());
  }
  void Serialize(StateIO& io) override { sum_.Serialize(io); }

 private:
  int p_;
  RollingSum sum_;
};

// Corwin-Schultz (2012) two-bar high-low spread estimate; negative estimates set to 0; mean over
// the window; in bps.
class CsSpreadNode final : public Node<CsSpreadNode, 1> {
 public:
  explicit CsSpreadNode(int p) : p_(p), sum_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    double s = kNaN;
    if (ctx.index > 0) {
      const double k = 3.0 - 2.0 * std::numbers::sqrt2;
      const double l1 = ctx.log_hl, l0 = plhl_;
      const double beta = l1 * l1 + l0 * l0;
      // The two-bar range is often one bar's own range, whose log is already known (same bits).
      const double hi = std::max(b.high, ph_), lo = std::min(b.low, pl_);
      const double g = (hi == b.high && lo == b.low) ? l1 : (hi == ph_ && lo == pl_) ? l0 : std::log(hi / lo);
      const double gamma = g * g;
      const double alpha = (std::sqrt(2.0 * beta) - std::sqrt(beta)) / k - std::sqrt(gamma / k);
      // alpha <= 0 (or NaN) makes the estimate <= 0 (or NaN), which the clamp turns into 0:
      // the same 0.0 without the exp.
      if (alpha > 0) {
        const double ea = std::exp(alpha);
        s = std::max(0.0, 2.0 * (ea - 1.0) / (1.0 + ea));
      } else {
        s = 0.0;
      }
    }
    ph_ = b.high;
    pl_ = b.low;
    plhl_ = ctx.log_hl;
    sum_.Push(s);
    out[0] = sum_.valid() < p_ ? kNaN : kBps * sum_.sum() / p_;
  }
  void Serialize(StateIO& io) override {
    io.F(ph_);
    io.F(pl_);
    io.F(plhl_);
    sum_.Serialize(io);
  }

 private:
  int p_;
  double ph_ = 0, pl_ = 0, plhl_ = 0;
  RollingSum sum_;
};

}  // namespace

std::vector<KindDef> VolumeLiquidityKinds() {
  return {
      {.kind = "vwap_deviation",
       .help = "(close - rolling VWAP of typical price) / ATR",
       .params = {Period(60), IntParam("atr_period", 14, 2, kMaxParam, "ATR period")},
       .names = Column("vwap_dev", {"period"}),
       .make = New<VwapDevNode>(Int("period"), Int("atr_period")),
       .batch_ns = 11},
      {.kind = "volume_z",
       .help = "z-score of volume over the last p bars incl. t",
       .params = {Period(60, 2)},
       .names = Column("volume_z", {"period"}),
       .make = New<VolumeZNode>(Int("period")),
       .batch_ns = 18},
      {.kind = "volume_ratio",
       .help = "mean volume fast / mean volume slow",
       .params = FastSlow(5, 60),
       .names = Column("volume_ratio", {"fast", "slow"}),
       .make = New<VolumeRatioNode>(Int("fast"), Int("slow")),
       .batch_ns = 5},
      {.kind = "obv_slope",
       .help = "OLS slope of OBV over p bars / mean volume",
       .params = {Period(30, 2)},
       .names = Column("obv_slope", {"period"}),
       .make = New<ObvSlopeNode>(Int("period")),
       .batch_ns = 31},
      {.kind = "clv_volume",
       .help = "sum(CLV * volume) / sum(volume)",
       .params = {Period(20)},
       .names = Column("clv_vol", {"period"}),
       .make = New<ClvVolNode>(Int("period")),
       .batch_ns = 10},
      {.kind = "uptick_ratio",
       .help = "share of bars with close > previous close",
       .params = {Period(20)},
       .names = Column("uptick_ratio", {"period"}),
       .make = New<UptickRatioNode>(Int("period")),
       .batch_ns = 10},
      {.kind = "amihud",
       .help = "mean |ret_1 bps| / (close * volume) * 1e6",
       .params = {Period(60)},
       .names = Column("amihud", {"period"}),
       .make = New<AmihudNode>(Int("period")),
       .batch_ns = 11},
      {.kind = "cs_spread",
       .help = "Corwin-Schultz two-bar spread estimate (negatives -> 0), mean over p bars, bps",
       .params = {Period(20)},
       .names = Fixed({"cs_spread_bps"}),
       .make = New<CsSpreadNode>(Int("period")),
       .batch_ns = 55},
  };
}

}  // namespace huracan::features::kinds
