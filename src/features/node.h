// The node machinery inside src/features (not for callers outside it): what an indicator sees
// for a bar (BarContext) or a block of bars (BarBlock), the read-only view of the last closes
// (HistoryView), and the base classes every feature kind's state machine derives from
// (Indicator, Node). The kinds themselves live in features/kinds/, the sub-indicators they share
// in features/shared_inputs.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/market.h"
#include "features/state_io.h"

namespace huracan::features {

class SharedInputs;

// Returns and return volatilities are in basis points: 1e4 * log return.
inline constexpr double kBps = 1e4;

// A read-only view of the last closes and reference closes, positioned on the current bar.
// Streaming mode views the stream's ring buffer (History); batch mode views the whole series'
// arrays (mask = all ones, pos = row), so the indicators read the same values either way.
struct HistoryView {
  const double* close_ = nullptr;
  const double* lclose_ = nullptr;
  const double* ref_ = nullptr;
  const double* lref_ = nullptr;
  int64_t pos = 0;   // slot of the current bar
  int64_t mask = 0;  // ring capacity - 1, or ~0 for a whole series

  // Value k bars ago (k = 0 is the current bar). Requires k <= the bars seen before this one
  // and, in streaming mode, k <= the stream's history depth.
  double close(int k) const { return close_[At(k)]; }
  double log_close(int k) const { return lclose_[At(k)]; }
  double ref_close(int k) const { return ref_[At(k)]; }
  double log_ref_close(int k) const { return lref_[At(k)]; }
  HistoryView Advanced(int64_t rows) const {
    HistoryView v = *this;
    v.pos += rows;
    return v;
  }

 private:
  size_t At(int k) const { return static_cast<size_t>((pos - k) & mask); }
};

// What an indicator sees for one bar.
struct BarContext {
  Bar bar;
  int64_t index;      // 0-based position of this bar in the stream
  double prev_close;  // NaN on the first bar
  double log_close;   // ln(close)
  double lr1;         // ln(close) - ln(prev_close); NaN on the first bar
  double log_hl;      // ln(high / low)
  double log_co;      // ln(close / open)
  bool ref_ok;        // the reference bar at this timestamp is present
  double ref_close;   // NaN when missing
  double ref_lr1;     // ln(ref close) - ln(previous row's ref close); NaN if either is missing
  HistoryView hist;
  size_t row;  // row of this bar in the current block (index into the SharedInputs outputs)
};

// Consecutive bars with their derived inputs, as parallel arrays: one bar in streaming mode,
// a block of a series in batch mode. Every array has `rows` entries; `hist` is positioned on
// row 0.
struct BarBlock {
  size_t rows = 0;
  int64_t first_index = 0;  // stream index of row 0
  const int64_t* ts_ms = nullptr;
  const double *open = nullptr, *high = nullptr, *low = nullptr, *close = nullptr, *volume = nullptr;
  const double *prev_close = nullptr, *log_close = nullptr, *lr1 = nullptr, *log_hl = nullptr, *log_co = nullptr;
  const uint8_t* ref_ok = nullptr;
  const double *ref_close = nullptr, *ref_lr1 = nullptr;
  HistoryView hist;

  BarContext At(size_t r) const {
    return BarContext{Bar{ts_ms[r], open[r], high[r], low[r], close[r], volume[r]},
                      first_index + static_cast<int64_t>(r),
                      prev_close[r],
                      log_close[r],
                      lr1[r],
                      log_hl[r],
                      log_co[r],
                      ref_ok[r] != 0,
                      ref_close[r],
                      ref_lr1[r],
                      hist.Advanced(static_cast<int64_t>(r)),
                      r};
  }
};

class Indicator {
 public:
  virtual ~Indicator() = default;
  // Registers the shared sub-indicators this feature reads (called once, right after make).
  virtual void Bind(SharedInputs&) {}
  // Writes this indicator's outputs for the bar (NaN when not available).
  virtual void Update(const BarContext& ctx, double* out) = 0;
  // Runs every row of `block` in order; output k of row r goes to cols[k][r]. The same
  // arithmetic as Update, one call per block instead of one per bar.
  virtual void Run(const BarBlock& block, double* const* cols) = 0;
  virtual void Serialize(StateIO& io) = 0;
};

// Base of every indicator: it writes one `Step(ctx, out)` with `kWidth` outputs, which serves
// both the per-bar Update and the per-block Run (there, inlined into one loop over the rows).
// The loop is instantiated where the indicator's class is defined and made (its kind's file in
// features/kinds/), so each kind's Step is inlined into its own loop.
template <typename Derived, int kWidth>
class Node : public Indicator {
 public:
  void Update(const BarContext& ctx, double* out) final { static_cast<Derived*>(this)->Step(ctx, out); }
  void Run(const BarBlock& block, double* const* cols) final {
    double* __restrict c[kWidth];
    for (int k = 0; k < kWidth; ++k) c[k] = cols[k];
    for (size_t r = 0; r < block.rows; ++r) {
      double v[kWidth];
      static_cast<Derived*>(this)->Step(block.At(r), v);
      for (int k = 0; k < kWidth; ++k) c[k][r] = v[k];
    }
  }
};

}  // namespace huracan::features
