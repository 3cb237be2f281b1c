// Range patterns (narrow-range bars and their breaks, wick sweeps of the prior channel) and
// their table entries.
#include <vector>

#include "features/kinds/kind.h"
#include "features/kinds/prior_channel.h"

namespace huracan::features::kinds {
namespace {

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

}  // namespace

std::vector<KindDef> PatternKinds() {
  return {
      {.kind = "narrow_range",
       .help = "NR-n bar flag and the break of the most recent NR-n bar within `lookback` bars",
       .params = {Period(7, 2), IntParam("lookback", 5, 1, kMaxParam, "bars an NR bar stays active")},
       .names =
           [](const Params& p) {
             const std::string n = "nr" + ParamText(D(p, "period"));
             return Names{n, n + "_break"};
           },
       .make = New<NrNode>(Int("period"), Int("lookback")),
       .batch_ns = 18},
      {.kind = "sweep",
       .help = "wick through the previous p bars' extreme that closes back inside",
       .params = {Period(20)},
       .names = Columns({"sweep_high", "sweep_low"}, {"period"}),
       .make = New<PriorChannelNode<true>>(Int("period")),
       .batch_ns = 7},
  };
}

}  // namespace huracan::features::kinds
