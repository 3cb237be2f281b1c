// The feature kinds a recipe can name. Each kind declares its parameters once (default, bounds,
// meaning), how its output columns are named, and how to build its streaming state machine.
// Batch mode runs the very same state machines over the whole series, so batch and streaming
// give identical numbers by construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/market.h"
#include "features/rolling.h"
#include "features/state_io.h"

namespace huracan::features {

using Params = std::map<std::string, double, std::less<>>;

struct ParamDef {
  std::string_view name;
  double def = 0;
  double min = 0;
  double max = 0;
  bool integer = true;
  std::string_view help;
};

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

// The last bars of a stream (closes and reference closes), shared by all its indicators.
class History {
 public:
  explicit History(int depth);
  // ref_close is NaN when the reference bar is missing.
  void Push(double close, double log_close, double ref_close, double log_ref_close);
  // Positioned on the last pushed bar.
  HistoryView View() const;
  int64_t count() const { return n_; }
  void Serialize(StateIO& io);

 private:
  std::vector<double> close_, lclose_, ref_, lref_;
  int64_t mask_ = 0;
  int64_t n_ = 0;
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

// Sub-indicators that several features of one recipe need (the same EMA, ATR, 20-bar moments,
// return volatilities, high/low channels, volume sums, beta). Each distinct one is registered
// once when the stream is built, run once per block of bars before the features run (one
// sub-indicator over all the block's rows, then the next), and saved once in the state. Its
// outputs for the block's rows sit in arrays of `block_rows` entries that the features read at
// `ctx.row`. The arithmetic is exactly what each feature did with its own private copy, so
// sharing changes no output bit.
class SharedInputs {
 public:
  // Rolling moments over a window; `valid` = non-NaN values in it (the others are meaningless
  // while it is 0). Only what the registered readers use is filled: close windows fill mean
  // and sd_pop; return windows fill sd_sample (requested without the higher moments) and
  // var_pop, m3, m4 (requested with them).
  struct Moments {
    std::vector<int64_t> valid;
    std::vector<double> mean;
    std::vector<double> sd_pop;     // sqrt(population variance)
    std::vector<double> sd_sample;  // sqrt(sample variance); NaN with fewer than 2 values
    std::vector<double> var_pop;
    std::vector<double> m3, m4;  // population central moments
  };
  // High/low channel of the last `period` bars: after this bar was pushed (incl. this bar) and
  // before (the previous `period` bars).
  struct Channel {
    std::vector<uint8_t> full, prev_full;
    std::vector<double> hi, lo, prev_hi, prev_lo;
  };
  struct Sum {
    std::vector<int64_t> valid;
    std::vector<double> sum;
  };

  // `block_rows`: the most rows one Run call gets (1 for a stream).
  explicit SharedInputs(size_t block_rows);
  ~SharedInputs();
  SharedInputs(const SharedInputs&) = delete;
  SharedInputs& operator=(const SharedInputs&) = delete;

  // Registration, at stream creation. The returned pointers stay valid for the object's life.
  const double* Ema(int period);  // TA-Lib EMA of close (NaN until seeded)
  const double* Atr(int period);  // TA-Lib ATR
  const Moments* CloseMoments(int period);
  // Moments of 1e4 * lr1; `higher` adds the third and fourth moments.
  const Moments* ReturnMoments(int period, bool higher);
  const Channel* HighLow(int period);
  const Sum* VolumeSum(int period);
  const double* BetaBtc(int period);  // rolling beta of lr1 on ref lr1 (NaN when not available)

  void Run(const BarBlock& block);
  // What is registered, one key per sub-indicator ("ema/20", "atr/14", ...), with its rough
  // batch cost in ns per bar (see KindDef::batch_ns).
  std::vector<std::pair<std::string, double>> Registered() const;
  void Serialize(StateIO& io);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
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

struct KindDef {
  std::string_view kind;
  std::string_view help;
  std::vector<ParamDef> params;
  std::function<std::vector<std::string>(const Params&)> names;
  std::function<std::unique_ptr<Indicator>(const Params&)> make;
  std::function<int(const Params&)> history;  // closes read back through History (0 = none)
  bool uses_ref = false;
  // Rough batch cost in ns per bar with the default parameters, not counting the shared
  // sub-indicators it reads (measured on the 2-core reference machine). Only used to balance
  // the batch threads; it never changes a result.
  double batch_ns = 4;
};

const std::vector<KindDef>& AllKinds();
const KindDef* FindKind(std::string_view kind);

// Shortest text for a parameter value in a column name: 2 -> "2", 1.5 -> "1.5".
std::string ParamText(double v);

}  // namespace huracan::features
