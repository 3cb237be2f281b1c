// Cross-asset features against the reference (BTC) series, aligned by timestamp, and their table
// entries. Every one of them is NaN on a bar whose reference bar is missing, and NaN when a
// reference bar it needs (at an earlier row) is missing. Lags are counted in rows of the coin's
// own series.
#include <cmath>
#include <cstdint>

#include "features/kinds/kind.h"

namespace huracan::features::kinds {
namespace {

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

}  // namespace

std::vector<KindDef> CrossAssetKinds() {
  return {
      {.kind = "btc_return",
       .help = "reference (BTC) log return over p rows, taken `lag` rows ago, bps",
       .params = {Period(1), IntParam("lag", 0, 0, kMaxParam, "rows back")},
       .names =
           [](const Params& p) {
             std::string n = "btc_ret_" + ParamText(D(p, "period"));
             if (P(p, "lag") > 0) n += "_lag" + ParamText(D(p, "lag"));
             return Names{n};
           },
       .make = New<BtcReturnNode>(Int("period"), Int("lag")),
       .history = HistoryOf("period", "lag"),
       .uses_ref = true,
       .batch_ns = 3},
      {.kind = "rel_return_btc",
       .help = "coin ret_p - BTC ret_p, bps",
       .params = {Period(15)},
       .names = Column("rel_ret_btc", {"period"}),
       .make = New<RelReturnBtcNode>(Int("period")),
       .history = HistoryOf("period"),
       .uses_ref = true,
       .batch_ns = 3},
      {.kind = "beta_btc",
       .help = "rolling OLS beta of coin 1-bar returns on BTC's",
       .params = {Period(120, 4)},
       .names = Column("beta_btc", {"period"}),
       .make = New<BetaBtcNode>(Int("period")),
       .uses_ref = true,
       .batch_ns = 1},
      {.kind = "pairs_residual_z",
       .help = "z-score over p rows of ln(close) - beta_btc * ln(btc close)",
       .params = {Period(240, 4), IntParam("beta_period", 120, 4, kMaxParam, "beta window")},
       .names = Column("pairs_resid_z", {"period"}),
       .make = New<PairsResidZNode>(Int("beta_period"), Int("period")),
       .uses_ref = true,
       .batch_ns = 17.5},
  };
}

}  // namespace huracan::features::kinds
