// The per-stream state that all the features of one recipe read (internal to src/features):
// the last closes (History) and the sub-indicators several features need (SharedInputs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "features/node.h"
#include "features/state_io.h"

namespace huracan::features {

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

}  // namespace huracan::features
