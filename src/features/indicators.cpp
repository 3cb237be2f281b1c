#include "features/indicators.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

#include "features/frame.h"
#include "features/node.h"
#include "features/rolling.h"
#include "features/shared_inputs.h"

namespace huracan::features {
namespace {

// TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG threshold.
constexpr double kTaEpsilon = 0.00000000000001;
inline bool TaIsZero(double v) { return -kTaEpsilon < v && v < kTaEpsilon; }
inline bool IsNaN(double v) { return std::isnan(v); }
// A standard deviation this small relative to the level is treated as zero (flat window).
inline bool Flat(double sd, double level) { return !(sd > 1e-12 * std::fabs(level)) || sd == 0; }

int P(const Params& p, std::string_view key) { return static_cast<int>(p.find(key)->second); }
double D(const Params& p, std::string_view key) { return p.find(key)->second; }

// ---------------------------------------------------------------------------------------------
// TA-Lib-exact indicators (the operation order follows TA-Lib's C code).

class RsiNode final : public Node<RsiNode, 1> {
 public:
  explicit RsiNode(int p) : p_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const double c = ctx.bar.close;
    if (n_ == 0) {
      prev_ = c;
      ++n_;
      out[0] = kNaN;
      return;
    }
    const double d = c - prev_;
    prev_ = c;
    if (n_ <= p_) {
      if (d < 0)
        loss_ -= d;
      else
        gain_ += d;
      ++n_;
      if (n_ <= p_) {
        out[0] = kNaN;
        return;
      }
      loss_ /= p_;
      gain_ /= p_;
    } else {
      loss_ *= (p_ - 1);
      gain_ *= (p_ - 1);
      if (d < 0)
        loss_ -= d;
      else
        gain_ += d;
      loss_ /= p_;
      gain_ /= p_;
      ++n_;
    }
    const double s = gain_ + loss_;
    out[0] = !TaIsZero(s) ? 100.0 * (gain_ / s) : 0.0;
  }
  void Serialize(StateIO& io) override {
    io.F(n_);
    io.F(prev_);
    io.F(gain_);
    io.F(loss_);
  }

 private:
  int p_;
  int64_t n_ = 0;
  double prev_ = 0, gain_ = 0, loss_ = 0;
};

class AtrNode final : public Node<AtrNode, 1> {
 public:
  AtrNode(int p, bool normalized) : p_(p), normalized_(normalized) {}
  void Bind(SharedInputs& sh) override { atr_ = sh.Atr(p_); }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double a = atr_[ctx.row];
    if (IsNaN(a) || !normalized_) {
      out[0] = a;
      return;
    }
    out[0] = !TaIsZero(b.close) ? (a / b.close) * 100.0 : 0.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const double* atr_ = nullptr;
  bool normalized_;
};

// ADX, +DI, -DI in one pass (TA-Lib ADX, PLUS_DI, MINUS_DI share their smoothing).
class AdxNode final : public Node<AdxNode, 3> {
 public:
  explicit AdxNode(int p) : p_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    out[0] = out[1] = out[2] = kNaN;
    if (n_ == 0) {
      ph_ = b.high;
      pl_ = b.low;
      pc_ = b.close;
      ++n_;
      return;
    }
    const double diff_p = b.high - ph_;
    ph_ = b.high;
    const double diff_m = pl_ - b.low;
    pl_ = b.low;
    const double tr = TaTrueRange(ph_, pl_, pc_);
    pc_ = b.close;
    const bool minus = (diff_m > 0) && (diff_p < diff_m);
    const bool plus = !minus && (diff_p > 0) && (diff_p > diff_m);
    if (n_ < p_) {  // bars 1 .. p-1: plain sums
      if (minus) mdm_ += diff_m;
      if (plus) pdm_ += diff_p;
      tr_ += tr;
      ++n_;
      return;
    }
    mdm_ -= mdm_ / p_;
    pdm_ -= pdm_ / p_;
    if (minus) mdm_ += diff_m;
    if (plus) pdm_ += diff_p;
    tr_ = tr_ - (tr_ / p_) + tr;
    double minus_di = 0.0, plus_di = 0.0, dx = kNaN;
    if (!TaIsZero(tr_)) {
      minus_di = 100.0 * (mdm_ / tr_);
      plus_di = 100.0 * (pdm_ / tr_);
      const double s = minus_di + plus_di;
      if (!TaIsZero(s)) dx = 100.0 * (std::fabs(minus_di - plus_di) / s);
    }
    out[1] = plus_di;
    out[2] = minus_di;
    if (n_ < 2 * p_) {  // bars p .. 2p-1: DX summed for the first ADX
      if (!IsNaN(dx)) sum_dx_ += dx;
      ++n_;
      if (n_ == 2 * p_) {
        adx_ = sum_dx_ / p_;
        out[0] = adx_;
      }
      return;
    }
    if (!IsNaN(dx)) adx_ = ((adx_ * (p_ - 1)) + dx) / p_;
    ++n_;
    out[0] = adx_;
  }
  void Serialize(StateIO& io) override {
    io.F(n_);
    io.F(ph_);
    io.F(pl_);
    io.F(pc_);
    io.F(mdm_);
    io.F(pdm_);
    io.F(tr_);
    io.F(sum_dx_);
    io.F(adx_);
  }

 private:
  int p_;
  int64_t n_ = 0;
  double ph_ = 0, pl_ = 0, pc_ = 0, mdm_ = 0, pdm_ = 0, tr_ = 0, sum_dx_ = 0, adx_ = 0;
};

// TA-Lib MACD: the fast EMA is seeded so that it starts on the same bar as the slow one;
// all three outputs start once the signal EMA is seeded. `norm` divides by close, in bps.
class MacdNode final : public Node<MacdNode, 3> {
 public:
  MacdNode(int fast, int slow, int signal, bool norm)
      : fast_p_(std::min(fast, slow)),
        slow_p_(std::max(fast, slow)),
        fast_(fast_p_, 2.0 / static_cast<double>(fast_p_ + 1)),
        signal_(signal, 2.0 / static_cast<double>(signal + 1)),
        norm_(norm) {}
  void Step(const BarContext& ctx, double* out) {
    const double c = ctx.bar.close;
    out[0] = out[1] = out[2] = kNaN;
    const double s = slow_[ctx.row];
    double f = kNaN;
    if (ctx.index >= slow_p_ - fast_p_) f = fast_.Push(c);
    if (IsNaN(s) || IsNaN(f)) return;
    const double macd = f - s;
    const double sig = signal_.Push(macd);
    if (IsNaN(sig)) return;
    const double hist = macd - sig;
    const double scale = norm_ ? kBps / c : 1.0;
    out[0] = norm_ ? macd * scale : macd;
    out[1] = norm_ ? sig * scale : sig;
    out[2] = norm_ ? hist * scale : hist;
  }
  // The slow EMA starts on bar 0 like any TA-Lib EMA (2 / (p + 1)), so it is the shared one.
  void Bind(SharedInputs& sh) override { slow_ = sh.Ema(slow_p_); }
  void Serialize(StateIO& io) override {
    fast_.Serialize(io);
    signal_.Serialize(io);
  }

 private:
  int fast_p_, slow_p_;
  const double* slow_ = nullptr;
  TaEma fast_, signal_;
  bool norm_;
};

// TA-Lib BBANDS with an SMA middle band (running sums, stddev from the precomputed SMA).
class BbandsNode final : public Node<BbandsNode, 3> {
 public:
  BbandsNode(int p, double k) : sma_(p), sq_(p), k_(k) {}
  void Step(const BarContext& ctx, double* out) {
    const double x = ctx.bar.close;
    const double mid = sma_.Push(x);
    double mean2 = sq_.Push(x * x);
    if (IsNaN(mid)) {
      out[0] = out[1] = out[2] = kNaN;
      return;
    }
    mean2 -= mid * mid;
    const double sd = !(mean2 < kTaEpsilon) ? std::sqrt(mean2) : 0.0;
    const double dev = sd * k_;
    out[0] = mid + dev;
    out[1] = mid;
    out[2] = mid - dev;
  }
  void Serialize(StateIO& io) override {
    sma_.Serialize(io);
    sq_.Serialize(io);
  }

 private:
  TaSma sma_, sq_;
  double k_;
};

class EmaNode final : public Node<EmaNode, 1> {
 public:
  explicit EmaNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { ema_ = sh.Ema(p_); }
  void Step(const BarContext& ctx, double* out) { out[0] = ema_[ctx.row]; }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const double* ema_ = nullptr;
};

class SmaNode final : public Node<SmaNode, 1> {
 public:
  explicit SmaNode(int p) : sma_(p) {}
  void Step(const BarContext& ctx, double* out) { out[0] = sma_.Push(ctx.bar.close); }
  void Serialize(StateIO& io) override { sma_.Serialize(io); }

 private:
  TaSma sma_;
};

class WillrNode final : public Node<WillrNode, 1> {
 public:
  explicit WillrNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { ch_ = sh.HighLow(p_); }
  void Step(const BarContext& ctx, double* out) {
    if (!ch_->full[ctx.row]) {
      out[0] = kNaN;
      return;
    }
    const double h = ch_->hi[ctx.row], l = ch_->lo[ctx.row];
    const double diff = (h - l) / (-100.0);
    out[0] = diff != 0.0 ? (h - ctx.bar.close) / diff : 0.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const SharedInputs::Channel* ch_ = nullptr;
};

class StochNode final : public Node<StochNode, 2> {
 public:
  StochNode(int fastk, int slowk, int slowd) : fastk_(fastk), slowk_(slowk), slowd_(slowd) {}
  void Bind(SharedInputs& sh) override { ch_ = sh.HighLow(fastk_); }
  void Step(const BarContext& ctx, double* out) {
    out[0] = out[1] = kNaN;
    if (!ch_->full[ctx.row]) return;
    const double h = ch_->hi[ctx.row], l = ch_->lo[ctx.row];
    const double diff = (h - l) / 100.0;
    const double k = diff != 0.0 ? (ctx.bar.close - l) / diff : 0.0;
    const double sk = slowk_.Push(k);
    if (IsNaN(sk)) return;
    const double sd = slowd_.Push(sk);
    if (IsNaN(sd)) return;
    out[0] = sk;
    out[1] = sd;
  }
  void Serialize(StateIO& io) override {
    slowk_.Serialize(io);
    slowd_.Serialize(io);
  }

 private:
  int fastk_;
  const SharedInputs::Channel* ch_ = nullptr;
  TaSma slowk_, slowd_;
};

// TA-Lib CCI: typical prices in a circular buffer summed in slot order, mean deviation by loop.
class CciNode final : public Node<CciNode, 1> {
 public:
  explicit CciNode(int p) : p_(p), buf_(static_cast<size_t>(p), 0.0) {}
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double tp = (b.high + b.low + b.close) / 3;
    buf_[slot_] = tp;
    slot_ = slot_ + 1 == buf_.size() ? 0 : slot_ + 1;
    ++n_;
    if (n_ < p_) {
      out[0] = kNaN;
      return;
    }
    double avg = 0;
    for (int j = 0; j < p_; ++j) avg += buf_[static_cast<size_t>(j)];
    avg /= p_;
    double dev = 0;
    for (int j = 0; j < p_; ++j) dev += std::fabs(buf_[static_cast<size_t>(j)] - avg);
    const double d = tp - avg;
    out[0] = (d != 0.0 && dev != 0.0) ? d / (0.015 * (dev / p_)) : 0.0;
  }
  void Serialize(StateIO& io) override {
    io.F(n_);
    io.Index(slot_, buf_.size());
    io.F(buf_);
  }

 private:
  int p_;
  int64_t n_ = 0;
  size_t slot_ = 0;
  std::vector<double> buf_;
};

class MfiNode final : public Node<MfiNode, 1> {
 public:
  explicit MfiNode(int p) : p_(p), pos_buf_(static_cast<size_t>(p), 0.0), neg_buf_(static_cast<size_t>(p), 0.0) {}
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double tp = (b.high + b.low + b.close) / 3.0;
    out[0] = kNaN;
    if (n_ == 0) {
      prev_ = tp;
      ++n_;
      return;
    }
    const size_t slot = slot_;
    slot_ = slot_ + 1 == pos_buf_.size() ? 0 : slot_ + 1;
    if (n_ > p_) {
      pos_ -= pos_buf_[slot];
      neg_ -= neg_buf_[slot];
    }
    const double d = tp - prev_;
    prev_ = tp;
    const double mf = tp * b.volume;
    if (d < 0) {
      neg_buf_[slot] = mf;
      neg_ += mf;
      pos_buf_[slot] = 0.0;
    } else if (d > 0) {
      pos_buf_[slot] = mf;
      pos_ += mf;
      neg_buf_[slot] = 0.0;
    } else {
      pos_buf_[slot] = 0.0;
      neg_buf_[slot] = 0.0;
    }
    ++n_;
    if (n_ <= p_) return;
    const double s = pos_ + neg_;
    out[0] = s < 1.0 ? 0.0 : 100.0 * (pos_ / s);
  }
  void Serialize(StateIO& io) override {
    io.F(n_);
    io.Index(slot_, pos_buf_.size());
    io.F(prev_);
    io.F(pos_);
    io.F(neg_);
    io.F(pos_buf_);
    io.F(neg_buf_);
  }

 private:
  int p_;
  int64_t n_ = 0;
  size_t slot_ = 0;
  double prev_ = 0, pos_ = 0, neg_ = 0;
  std::vector<double> pos_buf_, neg_buf_;
};

class ObvNode final : public Node<ObvNode, 1> {
 public:
  void Step(const BarContext& ctx, double* out) {
    const double c = ctx.bar.close;
    if (ctx.index == 0) {
      obv_ = ctx.bar.volume;
    } else if (c > ctx.prev_close) {
      obv_ += ctx.bar.volume;
    } else if (c < ctx.prev_close) {
      obv_ -= ctx.bar.volume;
    }
    out[0] = obv_;
  }
  void Serialize(StateIO& io) override { io.F(obv_); }

 private:
  double obv_ = 0;
};

class RocNode final : public Node<RocNode, 1> {
 public:
  explicit RocNode(int p) : p_(p) {}
  void Step(const BarContext& ctx, double* out) {
    if (ctx.index < p_) {
      out[0] = kNaN;
      return;
    }
    const double prev = ctx.hist.close(p_);
    out[0] = prev != 0.0 ? ((ctx.bar.close / prev) - 1.0) * 100.0 : 0.0;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
};

// ---------------------------------------------------------------------------------------------
// Scale-free features of the default recipe.

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

// Channel of the previous `p` bars (excluding t): break (+1/-1/0) and wick sweeps.
template <bool kSweep>
class PriorChannelNode final : public Node<PriorChannelNode<kSweep>, kSweep ? 2 : 1> {
 public:
  explicit PriorChannelNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { ch_ = sh.HighLow(p_); }
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const size_t r = ctx.row;
    if (!ch_->prev_full[r]) {
      out[0] = kNaN;
      if (kSweep) out[1] = kNaN;
    } else {
      const double h = ch_->prev_hi[r], l = ch_->prev_lo[r];
      if (kSweep) {
        out[0] = (b.high > h && b.close < h) ? 1.0 : 0.0;
        out[1] = (b.low < l && b.close > l) ? 1.0 : 0.0;
      } else {
        out[0] = b.close > h ? 1.0 : b.close < l ? -1.0 : 0.0;
      }
    }
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

// z-score of a bar field against the window (incl. t), population stdev. field 0 close, 1 volume.
class ZScoreNode final : public Node<ZScoreNode, 1> {
 public:
  ZScoreNode(int p, bool volume) : p_(p), volume_(volume), own_(volume ? p : 1) {}
  void Bind(SharedInputs& sh) override {
    if (!volume_) m_ = sh.CloseMoments(p_);
  }
  void Step(const BarContext& ctx, double* out) {
    double x, mean, sd;
    if (volume_) {
      x = ctx.bar.volume;
      own_.Push(x);
      if (own_.valid() < p_) {
        out[0] = kNaN;
        return;
      }
      mean = own_.mean();
      sd = std::sqrt(own_.var_pop());
    } else {
      x = ctx.bar.close;
      if (m_->valid[ctx.row] < p_) {
        out[0] = kNaN;
        return;
      }
      mean = m_->mean[ctx.row];
      sd = m_->sd_pop[ctx.row];
    }
    out[0] = Flat(sd, mean) ? 0.0 : (x - mean) / sd;
  }
  void Serialize(StateIO& io) override {
    if (volume_) own_.Serialize(io);
  }

 private:
  int p_;
  bool volume_;
  RollingMoments own_;  // volume window (close windows are shared)
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

// NR-n: the bar's range is strictly narrower than each of the previous n-1 bars. The break
// signal looks for the most recent such bar within the previous `lookback` bars.
class NrNode final : public Node<NrNode, 2> {
 public:
  NrNode(int p, int lookback) : p_(p), lookback_(lookback), rng_(static_cast<size_t>(p), 0.0) {}
  void Step(const BarContext& ctx, double* out) {
    const Bar& b = ctx.bar;
    const double r = b.high - b.low;
    const size_t slot = slot_;
    rng_[slot] = r;
    slot_ = slot_ + 1 == rng_.size() ? 0 : slot_ + 1;
    if (ctx.index < p_ - 1) {
      out[0] = out[1] = kNaN;
      return;
    }
    bool nr = true;  // no early exit: a fixed loop the compiler unrolls, without mispredictions
    for (size_t k = 0; k < rng_.size(); ++k) nr &= (k == slot) | (r < rng_[k]);
    double brk = 0.0;
    if (last_idx_ >= 0 && ctx.index - last_idx_ <= lookback_) {
      brk = b.close > last_h_ ? 1.0 : b.close < last_l_ ? -1.0 : 0.0;
    }
    out[0] = nr ? 1.0 : 0.0;
    out[1] = brk;
    if (nr) {
      last_idx_ = ctx.index;
      last_h_ = b.high;
      last_l_ = b.low;
    }
  }
  void Serialize(StateIO& io) override {
    io.Index(slot_, rng_.size());
    io.F(last_idx_);
    io.F(last_h_);
    io.F(last_l_);
    io.F(rng_);
  }

 private:
  int p_, lookback_;
  std::vector<double> rng_;
  size_t slot_ = 0;
  int64_t last_idx_ = -1;
  double last_h_ = 0, last_l_ = 0;
};

// sin/cos of 2 pi * tod. Bars on a whole minute (all of them in 1m/1h/1d data) read a table
// built with the very same expression, so the table changes no bit.
struct SinCos {
  double s, c;
};
SinCos TimeOfDay(int64_t ms_of_day) {
  constexpr int64_t kDay = 86'400'000, kMinute = 60'000;
  auto eval = [](int64_t ms) {
    const double tod = static_cast<double>(ms) / static_cast<double>(kDay);
    const double two_pi = 2.0 * std::numbers::pi;
    return SinCos{std::sin(two_pi * tod), std::cos(two_pi * tod)};
  };
  static const std::vector<SinCos> minutes = [&] {
    std::vector<SinCos> t;
    for (int64_t m = 0; m < kDay / kMinute; ++m) t.push_back(eval(m * kMinute));
    return t;
  }();
  return ms_of_day % kMinute == 0 ? minutes[static_cast<size_t>(ms_of_day / kMinute)] : eval(ms_of_day);
}

class CalendarNode final : public Node<CalendarNode, 4> {
 public:
  void Step(const BarContext& ctx, double* out) {
    constexpr int64_t kDay = 86'400'000;
    const int64_t ts = ctx.bar.ts_ms;
    int64_t days = ts / kDay, ms = ts % kDay;
    if (ms < 0) {
      ms += kDay;
      --days;
    }
    const SinCos tod = TimeOfDay(ms);
    out[0] = tod.s;
    out[1] = tod.c;
    if (days != day_) {  // a cache of a pure function of the day, not state
      day_ = days;
      int64_t dow = (days + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
      if (dow < 0) dow += 7;
      const double two_pi = 2.0 * std::numbers::pi;
      dow_ = {std::sin(two_pi * static_cast<double>(dow) / 7.0), std::cos(two_pi * static_cast<double>(dow) / 7.0)};
    }
    out[2] = dow_.s;
    out[3] = dow_.c;
  }
  void Serialize(StateIO&) override {}

 private:
  int64_t day_ = std::numeric_limits<int64_t>::min();
  SinCos dow_{};
};

// ---------------------------------------------------------------------------------------------
// Cross-asset features against the reference (BTC) series, aligned by timestamp. Every one of
// them is NaN on a bar whose reference bar is missing, and NaN when a reference bar it needs
// (at an earlier row) is missing. Lags are counted in rows of the coin's own series.

double RefLogReturn(const BarContext& ctx, int from, int p) {
  if (ctx.index < from + p) return kNaN;
  // NaN when either reference bar is missing.
  return kBps * (ctx.hist.log_ref_close(from) - ctx.hist.log_ref_close(from + p));
}

class BtcReturnNode final : public Node<BtcReturnNode, 1> {
 public:
  BtcReturnNode(int p, int lag) : p_(p), lag_(lag) {}
  void Step(const BarContext& ctx, double* out) { out[0] = ctx.ref_ok ? RefLogReturn(ctx, lag_, p_) : kNaN; }
  void Serialize(StateIO&) override {}

 private:
  int p_, lag_;
};

class RelReturnBtcNode final : public Node<RelReturnBtcNode, 1> {
 public:
  explicit RelReturnBtcNode(int p) : p_(p) {}
  void Step(const BarContext& ctx, double* out) {
    const double btc = ctx.ref_ok ? RefLogReturn(ctx, 0, p_) : kNaN;
    out[0] = IsNaN(btc) ? kNaN : kBps * (ctx.log_close - ctx.hist.log_close(p_)) - btc;
  }
  void Serialize(StateIO&) override {}

 private:
  int p_;
};

// Rolling OLS beta of the coin's 1-bar log returns on BTC's over the last p rows, using the rows
// where both returns exist; needs at least half the window (SharedInputs::BetaBtc).
class BetaBtcNode final : public Node<BetaBtcNode, 1> {
 public:
  explicit BetaBtcNode(int p) : p_(p) {}
  void Bind(SharedInputs& sh) override { beta_ = sh.BetaBtc(p_); }
  void Step(const BarContext& ctx, double* out) { out[0] = beta_[ctx.row]; }
  void Serialize(StateIO&) override {}

 private:
  int p_;
  const double* beta_ = nullptr;
};

// z-score over p rows of the residual ln(close) - beta * ln(btc close), beta = rolling beta.
class PairsResidZNode final : public Node<PairsResidZNode, 1> {
 public:
  PairsResidZNode(int beta_p, int p) : p_(p), beta_p_(beta_p), m_(p) {}
  void Bind(SharedInputs& sh) override { beta_ = sh.BetaBtc(beta_p_); }
  void Step(const BarContext& ctx, double* out) {
    const double beta = beta_[ctx.row];
    const double resid = IsNaN(beta) ? kNaN : ctx.log_close - beta * ctx.hist.log_ref_close(0);
    m_.Push(resid);
    ++n_;
    if (IsNaN(resid) || n_ < p_ || 2 * m_.valid() < p_) {
      out[0] = kNaN;
      return;
    }
    const double mean = m_.mean(), sd = std::sqrt(m_.var_pop());
    out[0] = sd > 1e-12 ? (resid - mean) / sd : 0.0;
  }
  void Serialize(StateIO& io) override {
    io.F(n_);
    m_.Serialize(io);
  }

 private:
  int64_t p_;
  int beta_p_;
  int64_t n_ = 0;
  const double* beta_ = nullptr;
  RollingMoments m_;
};

// ---------------------------------------------------------------------------------------------
// The table of kinds.

using Names = std::vector<std::string>;

ParamDef Period(double def, std::string_view help = "window length in bars") {
  return {"period", def, 1, 100000, true, help};
}
ParamDef IntParam(std::string_view name, double def, double min, double max, std::string_view help) {
  return {name, def, min, max, true, help};
}
ParamDef RealParam(std::string_view name, double def, double min, double max, std::string_view help) {
  return {name, def, min, max, false, help};
}

std::function<int(const Params&)> NoHistory() {
  return [](const Params&) { return 0; };
}
std::function<int(const Params&)> HistoryOf(std::string_view key, int extra = 0) {
  return [key = std::string(key), extra](const Params& p) { return P(p, key) + extra; };
}

// A kind with one `period` parameter and one output column `<prefix>_<period>`.
template <typename MakeFn>
KindDef OnePeriod(std::string_view kind, std::string_view prefix, double def, int min, std::string_view help,
                  MakeFn make, std::function<int(const Params&)> history = NoHistory()) {
  KindDef k;
  k.kind = kind;
  k.help = help;
  k.params = {ParamDef{"period", def, static_cast<double>(min), 100000, true, "window length in bars"}};
  k.names = [prefix = std::string(prefix)](const Params& p) { return Names{prefix + "_" + ParamText(D(p, "period"))}; };
  k.make = [make](const Params& p) -> std::unique_ptr<Indicator> { return make(P(p, "period")); };
  k.history = std::move(history);
  return k;
}

std::vector<KindDef> BuildKinds() {
  std::vector<KindDef> v;
  auto T = [](const Params& p, std::string_view key) { return ParamText(D(p, key)); };

  // TA-Lib indicators (raw values; exact TA-Lib semantics).
  v.push_back(OnePeriod("rsi", "rsi", 14, 2, "TA-Lib RSI (Wilder), 0..100",
                        [](int p) { return std::make_unique<RsiNode>(p); }));
  v.push_back(OnePeriod("atr", "atr", 14, 2, "TA-Lib ATR (Wilder), price units",
                        [](int p) { return std::make_unique<AtrNode>(p, false); }));
  v.push_back(OnePeriod("natr", "natr", 14, 2, "TA-Lib NATR: ATR / close * 100",
                        [](int p) { return std::make_unique<AtrNode>(p, true); }));
  {
    KindDef k;
    k.kind = "adx";
    k.help = "TA-Lib ADX, PLUS_DI and MINUS_DI";
    k.params = {Period(14)};
    k.params[0].min = 2;
    k.names = [T](const Params& p) {
      const std::string n = T(p, "period");
      return Names{"adx_" + n, "plus_di_" + n, "minus_di_" + n};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> { return std::make_unique<AdxNode>(P(p, "period")); };
    k.history = NoHistory();
    v.push_back(k);
  }
  for (bool norm : {false, true}) {
    KindDef k;
    k.kind = norm ? "macd_norm" : "macd";
    k.help = norm ? "TA-Lib MACD line, signal and histogram divided by close, in bps"
                  : "TA-Lib MACD line, signal and histogram (price units)";
    k.params = {IntParam("fast", 12, 2, 100000, "fast EMA period"), IntParam("slow", 26, 2, 100000, "slow EMA period"),
                IntParam("signal", 9, 1, 100000, "signal EMA period")};
    k.names = [T, norm](const Params& p) {
      const std::string s = T(p, "fast") + "_" + T(p, "slow") + "_" + T(p, "signal");
      if (norm) return Names{"macd_norm_" + s, "macd_signal_norm_" + s, "macd_hist_norm_" + s};
      return Names{"macd_" + s, "macd_signal_" + s, "macd_hist_" + s};
    };
    k.make = [norm](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<MacdNode>(P(p, "fast"), P(p, "slow"), P(p, "signal"), norm);
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "bbands";
    k.help = "TA-Lib BBANDS with an SMA middle band: upper, middle, lower (price units)";
    k.params = {Period(20), RealParam("k", 2, 0, 100, "band width in standard deviations")};
    k.params[0].min = 2;
    k.names = [T](const Params& p) {
      const std::string s = T(p, "period") + "_" + T(p, "k");
      return Names{"bb_upper_" + s, "bb_middle_" + s, "bb_lower_" + s};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<BbandsNode>(P(p, "period"), D(p, "k"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod("ema", "ema", 20, 2, "TA-Lib EMA (seeded with the SMA of the first period)",
                        [](int p) { return std::make_unique<EmaNode>(p); }));
  v.push_back(OnePeriod("sma", "sma", 20, 2, "TA-Lib SMA", [](int p) { return std::make_unique<SmaNode>(p); }));
  v.push_back(OnePeriod("willr", "willr", 14, 2, "TA-Lib WILLR, -100..0",
                        [](int p) { return std::make_unique<WillrNode>(p); }));
  v.push_back(OnePeriod("cci", "cci", 20, 2, "TA-Lib CCI", [](int p) { return std::make_unique<CciNode>(p); }));
  v.push_back(OnePeriod("mfi", "mfi", 14, 2, "TA-Lib MFI, 0..100", [](int p) { return std::make_unique<MfiNode>(p); }));
  {
    KindDef k;
    k.kind = "obv";
    k.help = "TA-Lib OBV (starts at the first bar's volume)";
    k.names = [](const Params&) { return Names{"obv"}; };
    k.make = [](const Params&) -> std::unique_ptr<Indicator> { return std::make_unique<ObvNode>(); };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "stoch";
    k.help = "TA-Lib STOCH with SMA slowing: slow %K and slow %D, 0..100";
    k.params = {IntParam("fastk", 14, 1, 100000, "%K window"), IntParam("slowk", 3, 1, 100000, "%K SMA smoothing"),
                IntParam("slowd", 3, 1, 100000, "%D SMA smoothing")};
    k.names = [T](const Params& p) {
      const std::string s = T(p, "fastk") + "_" + T(p, "slowk") + "_" + T(p, "slowd");
      return Names{"stoch_k_" + s, "stoch_d_" + s};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<StochNode>(P(p, "fastk"), P(p, "slowk"), P(p, "slowd"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod(
      "roc", "roc", 10, 1, "TA-Lib ROC: (close / close[t-p] - 1) * 100",
      [](int p) { return std::make_unique<RocNode>(p); }, HistoryOf("period")));

  // Scale-free features.
  v.push_back(OnePeriod(
      "log_return", "ret", 1, 1, "1e4 * ln(close_t / close_{t-p}), bps",
      [](int p) { return std::make_unique<LogReturnNode>(p); }, HistoryOf("period")));
  auto two = [&v](std::string_view kind, std::string_view prefix, double fast, double slow, std::string_view help,
                  std::function<std::unique_ptr<Indicator>(int, int)> make) {
    KindDef k;
    k.kind = kind;
    k.help = help;
    k.params = {IntParam("fast", fast, 1, 100000, "short window"), IntParam("slow", slow, 2, 100000, "long window")};
    k.names = [prefix = std::string(prefix)](const Params& p) {
      return Names{prefix + "_" + ParamText(D(p, "fast")) + "_" + ParamText(D(p, "slow"))};
    };
    k.make = [make](const Params& p) { return make(P(p, "fast"), P(p, "slow")); };
    k.history = NoHistory();
    v.push_back(k);
  };
  two("ema_ratio", "ema_ratio", 12, 26, "(EMA_fast / EMA_slow - 1) in bps, TA-Lib EMA seeding",
      [](int f, int s) { return std::make_unique<EmaRatioNode>(f, s); });
  v.push_back(OnePeriod("sma_ratio", "sma_ratio", 20, 1, "(close / SMA - 1) in bps",
                        [](int p) { return std::make_unique<SmaRatioNode>(p); }));
  v.push_back(OnePeriod("vol_cc", "vol_cc", 30, 2, "sample stdev of 1-bar log returns, bps",
                        [](int p) { return std::make_unique<VolCcNode>(p); }));
  v.push_back(OnePeriod("vol_parkinson", "vol_parkinson", 30, 1, "Parkinson per-bar volatility, bps",
                        [](int p) { return std::make_unique<RangeVolNode>(p, false); }));
  v.push_back(OnePeriod("vol_gk", "vol_gk", 30, 1, "Garman-Klass per-bar volatility, bps",
                        [](int p) { return std::make_unique<RangeVolNode>(p, true); }));
  two("vol_ratio", "vol_ratio", 30, 120, "vol_cc_fast / vol_cc_slow",
      [](int f, int s) { return std::make_unique<VolRatioNode>(f, s); });
  {
    KindDef k;
    k.kind = "bb_position";
    k.help = "Bollinger %b (close - lower)/(upper - lower) and bandwidth (upper - lower)/middle";
    k.params = {Period(20), RealParam("k", 2, 0, 100, "band width in standard deviations")};
    k.params[0].min = 2;
    k.names = [T](const Params& p) {
      const std::string s = T(p, "period") + "_" + T(p, "k");
      return Names{"bb_pctb_" + s, "bb_width_" + s};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<BbPositionNode>(P(p, "period"), D(p, "k"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "keltner_position";
    k.help = "(close - EMA) / (k * ATR): +-1 at the Keltner bands";
    k.params = {Period(20), RealParam("k", 2, 0.01, 100, "band width in ATRs")};
    k.params[0].min = 2;
    k.names = [T](const Params& p) { return Names{"keltner_pos_" + T(p, "period") + "_" + T(p, "k")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<KeltnerPosNode>(P(p, "period"), D(p, "k"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod("donchian_position", "donchian_pos", 20, 1,
                        "(close - min low) / (max high - min low) over the last p bars incl. t",
                        [](int p) { return std::make_unique<DonchianPosNode>(p); }));
  v.push_back(OnePeriod("donchian_break", "donchian_break", 20, 1,
                        "+1 close above the previous p bars' max high, -1 below their min low, else 0",
                        [](int p) { return std::make_unique<PriorChannelNode<false>>(p); }));
  {
    KindDef k;
    k.kind = "squeeze";
    k.help = "squeeze_on: Bollinger bands inside Keltner channel; squeeze_release: first bar off after a run";
    k.params = {Period(20), RealParam("bb_k", 2, 0, 100, "Bollinger width in stdevs"),
                RealParam("kc_k", 1.5, 0, 100, "Keltner width in ATRs"),
                IntParam("min_bars", 5, 1, 100000, "squeeze bars needed before a release counts")};
    k.params[0].min = 2;
    k.names = [](const Params&) { return Names{"squeeze_on", "squeeze_release"}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<SqueezeNode>(P(p, "period"), D(p, "bb_k"), D(p, "kc_k"), P(p, "min_bars"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod(
      "efficiency_ratio", "er", 10, 1, "Kaufman efficiency ratio |net move| / path length",
      [](int p) { return std::make_unique<EfficiencyRatioNode>(p); }, HistoryOf("period")));
  {
    KindDef k;
    k.kind = "return_moments";
    k.help = "skewness and excess kurtosis of 1-bar log returns";
    k.params = {Period(60)};
    k.params[0].min = 3;
    k.names = [T](const Params& p) { return Names{"skew_" + T(p, "period"), "kurt_" + T(p, "period")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<ReturnMomentsNode>(P(p, "period"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod("close_z", "close_z", 20, 2, "(close - SMA) / population stdev",
                        [](int p) { return std::make_unique<ZScoreNode>(p, false); }));
  {
    KindDef k;
    k.kind = "return_z";
    k.help = "ret_p / (vol_cc_{vol_period} * sqrt(p))";
    k.params = {Period(15), IntParam("vol_period", 120, 2, 100000, "volatility window")};
    k.names = [T](const Params& p) { return Names{"ret_z_" + T(p, "period")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<ReturnZNode>(P(p, "period"), P(p, "vol_period"));
    };
    k.history = HistoryOf("period");
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "candle_shape";
    k.help = "range_bps, body_bps, upper_wick_ratio, lower_wick_ratio of the bar";
    k.names = [](const Params&) { return Names{"range_bps", "body_bps", "upper_wick_ratio", "lower_wick_ratio"}; };
    k.make = [](const Params&) -> std::unique_ptr<Indicator> { return std::make_unique<CandleShapeNode>(); };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "vwap_deviation";
    k.help = "(close - rolling VWAP of typical price) / ATR";
    k.params = {Period(60), IntParam("atr_period", 14, 2, 100000, "ATR period")};
    k.names = [T](const Params& p) { return Names{"vwap_dev_" + T(p, "period")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<VwapDevNode>(P(p, "period"), P(p, "atr_period"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  v.push_back(OnePeriod("volume_z", "volume_z", 60, 2, "z-score of volume over the last p bars incl. t",
                        [](int p) { return std::make_unique<ZScoreNode>(p, true); }));
  two("volume_ratio", "volume_ratio", 5, 60, "mean volume fast / mean volume slow",
      [](int f, int s) { return std::make_unique<VolumeRatioNode>(f, s); });
  v.push_back(OnePeriod("obv_slope", "obv_slope", 30, 2, "OLS slope of OBV over p bars / mean volume",
                        [](int p) { return std::make_unique<ObvSlopeNode>(p); }));
  v.push_back(OnePeriod("clv_volume", "clv_vol", 20, 1, "sum(CLV * volume) / sum(volume)",
                        [](int p) { return std::make_unique<ClvVolNode>(p); }));
  v.push_back(OnePeriod("uptick_ratio", "uptick_ratio", 20, 1, "share of bars with close > previous close",
                        [](int p) { return std::make_unique<UptickRatioNode>(p); }));
  v.push_back(OnePeriod("amihud", "amihud", 60, 1, "mean |ret_1 bps| / (close * volume) * 1e6",
                        [](int p) { return std::make_unique<AmihudNode>(p); }));
  {
    KindDef k;
    k.kind = "cs_spread";
    k.help = "Corwin-Schultz two-bar spread estimate (negatives -> 0), mean over p bars, bps";
    k.params = {Period(20)};
    k.names = [](const Params&) { return Names{"cs_spread_bps"}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<CsSpreadNode>(P(p, "period"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "narrow_range";
    k.help = "NR-n bar flag and the break of the most recent NR-n bar within `lookback` bars";
    k.params = {Period(7), IntParam("lookback", 5, 1, 100000, "bars an NR bar stays active")};
    k.params[0].min = 2;
    k.names = [T](const Params& p) {
      const std::string n = "nr" + T(p, "period");
      return Names{n, n + "_break"};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<NrNode>(P(p, "period"), P(p, "lookback"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "sweep";
    k.help = "wick through the previous p bars' extreme that closes back inside";
    k.params = {Period(20)};
    k.names = [T](const Params& p) { return Names{"sweep_high_" + T(p, "period"), "sweep_low_" + T(p, "period")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<PriorChannelNode<true>>(P(p, "period"));
    };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "calendar";
    k.help = "time of day and day of week (UTC, Monday = 0) as sin/cos";
    k.names = [](const Params&) { return Names{"tod_sin", "tod_cos", "dow_sin", "dow_cos"}; };
    k.make = [](const Params&) -> std::unique_ptr<Indicator> { return std::make_unique<CalendarNode>(); };
    k.history = NoHistory();
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "btc_return";
    k.help = "reference (BTC) log return over p rows, taken `lag` rows ago, bps";
    k.params = {Period(1), IntParam("lag", 0, 0, 100000, "rows back")};
    k.names = [T](const Params& p) {
      std::string n = "btc_ret_" + T(p, "period");
      if (P(p, "lag") > 0) n += "_lag" + T(p, "lag");
      return Names{n};
    };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<BtcReturnNode>(P(p, "period"), P(p, "lag"));
    };
    k.history = [](const Params& p) { return P(p, "period") + P(p, "lag"); };
    k.uses_ref = true;
    v.push_back(k);
  }
  {
    KindDef k = OnePeriod(
        "rel_return_btc", "rel_ret_btc", 15, 1, "coin ret_p - BTC ret_p, bps",
        [](int p) { return std::make_unique<RelReturnBtcNode>(p); }, HistoryOf("period"));
    k.uses_ref = true;
    v.push_back(k);
  }
  {
    KindDef k = OnePeriod("beta_btc", "beta_btc", 120, 4, "rolling OLS beta of coin 1-bar returns on BTC's",
                          [](int p) { return std::make_unique<BetaBtcNode>(p); });
    k.uses_ref = true;
    v.push_back(k);
  }
  {
    KindDef k;
    k.kind = "pairs_residual_z";
    k.help = "z-score over p rows of ln(close) - beta_btc * ln(btc close)";
    k.params = {Period(240), IntParam("beta_period", 120, 4, 100000, "beta window")};
    k.params[0].min = 4;
    k.names = [T](const Params& p) { return Names{"pairs_resid_z_" + T(p, "period")}; };
    k.make = [](const Params& p) -> std::unique_ptr<Indicator> {
      return std::make_unique<PairsResidZNode>(P(p, "beta_period"), P(p, "period"));
    };
    k.history = NoHistory();
    k.uses_ref = true;
    v.push_back(k);
  }
  // KindDef::batch_ns, from a per-kind timing of the default recipe's batch build over 216k bars.
  constexpr std::pair<std::string_view, double> kBatchNs[] = {
      {"cs_spread", 55},
      {"cci", 35},
      {"obv_slope", 31},
      {"adx", 23},
      {"narrow_range", 18},
      {"volume_z", 18},
      {"pairs_residual_z", 17.5},
      {"mfi", 16},
      {"vol_parkinson", 12},
      {"vol_gk", 11},
      {"rsi", 12},
      {"vwap_deviation", 11},
      {"stoch", 11},
      {"amihud", 11},
      {"sma_ratio", 10.5},
      {"efficiency_ratio", 10},
      {"clv_volume", 10},
      {"uptick_ratio", 10},
      {"calendar", 10},
      {"macd", 9},
      {"macd_norm", 9},
      {"candle_shape", 9},
      {"bbands", 12},
      {"sma", 8},
      {"sweep", 7},
      {"return_moments", 7},
      {"squeeze", 6},
      {"volume_ratio", 5},
      {"bb_position", 5},
      {"return_z", 4.5},
      {"willr", 4},
      {"donchian_break", 4},
      {"close_z", 3.5},
      {"btc_return", 3},
      {"rel_return_btc", 3},
      {"natr", 3},
      {"atr", 3},
      {"vol_ratio", 3},
      {"obv", 3},
      {"donchian_position", 2.6},
      {"roc", 2.5},
      {"keltner_position", 2.4},
      {"ema_ratio", 2.2},
      {"vol_cc", 2.2},
      {"log_return", 2},
      {"ema", 1.5},
      {"beta_btc", 1},
  };

  for (KindDef& k : v)
    for (const auto& [kind, ns] : kBatchNs)
      if (k.kind == kind) k.batch_ns = ns;
  return v;
}

}  // namespace

const std::vector<KindDef>& AllKinds() {
  static const std::vector<KindDef> kinds = BuildKinds();
  return kinds;
}

const KindDef* FindKind(std::string_view kind) {
  for (const KindDef& k : AllKinds())
    if (k.kind == kind) return &k;
  return nullptr;
}

std::string ParamText(double v) {
  if (v == 0) v = 0;  // no "-0"
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

}  // namespace huracan::features
