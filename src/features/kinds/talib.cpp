// TA-Lib-exact indicators (raw values; the operation order follows TA-Lib's C code, so they equal
// TA-Lib bit for bit: tests/features/talib_test.cpp) and their table entries.
#include <algorithm>
#include <cmath>

#include "features/kinds/kind.h"

namespace huracan::features::kinds {
namespace {

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

// MACD's three EMA periods (macd and macd_norm).
std::vector<ParamDef> MacdParams() {
  return {IntParam("fast", 12, 2, kMaxParam, "fast EMA period"), IntParam("slow", 26, 2, kMaxParam, "slow EMA period"),
          IntParam("signal", 9, 1, kMaxParam, "signal EMA period")};
}

}  // namespace

std::vector<KindDef> TalibKinds() {
  return {
      {.kind = "rsi",
       .help = "TA-Lib RSI (Wilder), 0..100",
       .params = {Period(14, 2)},
       .names = Column("rsi", {"period"}),
       .make = New<RsiNode>(Int("period")),
       .batch_ns = 12},
      {.kind = "atr",
       .help = "TA-Lib ATR (Wilder), price units",
       .params = {Period(14, 2)},
       .names = Column("atr", {"period"}),
       .make = New<AtrNode>(Int("period"), false),
       .batch_ns = 3},
      {.kind = "natr",
       .help = "TA-Lib NATR: ATR / close * 100",
       .params = {Period(14, 2)},
       .names = Column("natr", {"period"}),
       .make = New<AtrNode>(Int("period"), true),
       .batch_ns = 3},
      {.kind = "adx",
       .help = "TA-Lib ADX, PLUS_DI and MINUS_DI",
       .params = {Period(14, 2)},
       .names = Columns({"adx", "plus_di", "minus_di"}, {"period"}),
       .make = New<AdxNode>(Int("period")),
       .batch_ns = 23},
      {.kind = "macd",
       .help = "TA-Lib MACD line, signal and histogram (price units)",
       .params = MacdParams(),
       .names = Columns({"macd", "macd_signal", "macd_hist"}, {"fast", "slow", "signal"}),
       .make = New<MacdNode>(Int("fast"), Int("slow"), Int("signal"), false),
       .batch_ns = 9},
      {.kind = "macd_norm",
       .help = "TA-Lib MACD line, signal and histogram divided by close, in bps",
       .params = MacdParams(),
       .names = Columns({"macd_norm", "macd_signal_norm", "macd_hist_norm"}, {"fast", "slow", "signal"}),
       .make = New<MacdNode>(Int("fast"), Int("slow"), Int("signal"), true),
       .batch_ns = 9},
      {.kind = "bbands",
       .help = "TA-Lib BBANDS with an SMA middle band: upper, middle, lower (price units)",
       .params = {Period(20, 2), RealParam("k", 2, 0, 100, "band width in standard deviations")},
       .names = Columns({"bb_upper", "bb_middle", "bb_lower"}, {"period", "k"}),
       .make = New<BbandsNode>(Int("period"), Real("k")),
       .batch_ns = 12},
      {.kind = "ema",
       .help = "TA-Lib EMA (seeded with the SMA of the first period)",
       .params = {Period(20, 2)},
       .names = Column("ema", {"period"}),
       .make = New<EmaNode>(Int("period")),
       .batch_ns = 1.5},
      {.kind = "sma",
       .help = "TA-Lib SMA",
       .params = {Period(20, 2)},
       .names = Column("sma", {"period"}),
       .make = New<SmaNode>(Int("period")),
       .batch_ns = 8},
      {.kind = "willr",
       .help = "TA-Lib WILLR, -100..0",
       .params = {Period(14, 2)},
       .names = Column("willr", {"period"}),
       .make = New<WillrNode>(Int("period")),
       .batch_ns = 4},
      {.kind = "cci",
       .help = "TA-Lib CCI",
       .params = {Period(20, 2)},
       .names = Column("cci", {"period"}),
       .make = New<CciNode>(Int("period")),
       .batch_ns = 35},
      {.kind = "mfi",
       .help = "TA-Lib MFI, 0..100",
       .params = {Period(14, 2)},
       .names = Column("mfi", {"period"}),
       .make = New<MfiNode>(Int("period")),
       .batch_ns = 16},
      {.kind = "obv",
       .help = "TA-Lib OBV (starts at the first bar's volume)",
       .names = Fixed({"obv"}),
       .make = New<ObvNode>(),
       .batch_ns = 3},
      {.kind = "stoch",
       .help = "TA-Lib STOCH with SMA slowing: slow %K and slow %D, 0..100",
       .params = {IntParam("fastk", 14, 1, kMaxParam, "%K window"),
                  IntParam("slowk", 3, 1, kMaxParam, "%K SMA smoothing"),
                  IntParam("slowd", 3, 1, kMaxParam, "%D SMA smoothing")},
       .names = Columns({"stoch_k", "stoch_d"}, {"fastk", "slowk", "slowd"}),
       .make = New<StochNode>(Int("fastk"), Int("slowk"), Int("slowd")),
       .batch_ns = 11},
      {.kind = "roc",
       .help = "TA-Lib ROC: (close / close[t-p] - 1) * 100",
       .params = {Period(10)},
       .names = Column("roc", {"period"}),
       .make = New<RocNode>(Int("period")),
       .history = HistoryOf("period"),
       .batch_ns = 2.5},
  };
}

}  // namespace huracan::features::kinds
