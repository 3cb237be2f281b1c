// One node serving kinds of two families: donchian_break (trend_volatility.cpp) and sweep
// (patterns.cpp) both compare bar t with the high/low channel of the previous `p` bars.
#pragma once

#include "features/kinds/kind.h"

namespace huracan::features::kinds {

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

}  // namespace huracan::features::kinds
