// The feature kinds a recipe can name. Each kind declares its parameters once (default, bounds,
// meaning), how its output columns are named, and how to build its streaming state machine.
// Batch mode runs the very same state machines over the whole series, so batch and streaming
// give identical numbers by construction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
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

// The last bars of the series (closes and reference closes), shared by all indicators.
class History {
 public:
  explicit History(int depth);
  // ref_close is NaN when the reference bar is missing.
  void Push(double close, double log_close, double ref_close, double log_ref_close);
  // Value k bars ago (k = 0 is the current bar). Requires k < count() and k <= depth.
  double close(int k) const { return close_[At(k)]; }
  double log_close(int k) const { return lclose_[At(k)]; }
  double ref_close(int k) const { return ref_[At(k)]; }
  double log_ref_close(int k) const { return lref_[At(k)]; }
  int64_t count() const { return n_; }
  void Serialize(StateIO& io);

 private:
  size_t At(int k) const { return static_cast<size_t>((n_ - 1 - k) & mask_); }
  std::vector<double> close_, lclose_, ref_, lref_;
  int64_t mask_ = 0;
  int64_t n_ = 0;
};

// What an indicator sees for one bar.
struct BarContext {
  const Bar& bar;
  int64_t index;      // 0-based position of this bar in the stream
  double prev_close;  // NaN on the first bar
  double log_close;   // ln(close)
  double lr1;         // ln(close) - ln(prev_close); NaN on the first bar
  double log_hl;      // ln(high / low)
  double log_co;      // ln(close / open)
  bool ref_ok;        // the reference bar at this timestamp is present
  double ref_close;   // NaN when missing
  double ref_lr1;     // ln(ref close) - ln(previous row's ref close); NaN if either is missing
  const History& hist;
};

struct BarContext;

// Sub-indicators that several features of one recipe need (the same EMA, ATR, 20-bar moments,
// return volatilities, high/low channels, volume sums, beta). Each distinct one is registered
// once when the stream is built, updated once per bar before the features run, and saved once
// in the state. The features read its value for the current bar; the arithmetic is exactly
// what each feature did with its own private copy, so sharing changes no output bit.
class SharedInputs {
 public:
  // High/low channel of the last `period` bars: the extremes before this bar was pushed
  // (previous `period` bars) and after (incl. this bar).
  struct Channel {
    explicit Channel(int p) : hi(p), lo(p) {}
    MonoDeque<true> hi;
    MonoDeque<false> lo;
    bool prev_full = false;
    double prev_hi = kNaN, prev_lo = kNaN;
  };

  // Registration, at stream creation. The returned pointers stay valid for the object's life.
  const double* Ema(int period);  // TA-Lib EMA of close (this bar's output, NaN until seeded)
  const double* Atr(int period);  // TA-Lib ATR (this bar's output)
  const RollingMoments* CloseMoments(int period);
  // Moments of 1e4 * lr1; `higher` adds the third and fourth moments.
  const RollingMoments* ReturnMoments(int period, bool higher);
  const Channel* HighLow(int period);
  const RollingSum* VolumeSum(int period);
  const double* BetaBtc(int period);  // rolling beta of lr1 on ref lr1 (NaN when not available)

  void Update(const BarContext& ctx);
  void Serialize(StateIO& io);

 private:
  template <typename T>
  struct Entry {
    int period;
    T state;
    double value = kNaN;
  };
  struct Beta {
    explicit Beta(int p) : cov(p) {}
    int64_t n = 0;
    RollingCov cov;
  };
  template <typename T>
  static Entry<T>* Find(std::vector<std::unique_ptr<Entry<T>>>& v, int period) {
    for (auto& e : v)
      if (e->period == period) return e.get();
    return nullptr;
  }
  std::vector<std::unique_ptr<Entry<TaEma>>> ema_;
  std::vector<std::unique_ptr<Entry<TaAtr>>> atr_;
  std::vector<std::unique_ptr<Entry<RollingMoments>>> close_m_, ret_m_;
  std::vector<std::unique_ptr<Entry<Channel>>> chan_;
  std::vector<std::unique_ptr<Entry<RollingSum>>> vol_;
  std::vector<std::unique_ptr<Entry<Beta>>> beta_;
};

class Indicator {
 public:
  virtual ~Indicator() = default;
  // Registers the shared sub-indicators this feature reads (called once, right after make).
  virtual void Bind(SharedInputs&) {}
  // Writes this indicator's outputs for the bar (NaN when not available).
  virtual void Update(const BarContext& ctx, double* out) = 0;
  virtual void Serialize(StateIO& io) = 0;
};

struct KindDef {
  std::string_view kind;
  std::string_view help;
  std::vector<ParamDef> params;
  std::function<std::vector<std::string>(const Params&)> names;
  std::function<std::unique_ptr<Indicator>(const Params&)> make;
  std::function<int(const Params&)> history;  // closes read back through History (0 = none)
  bool uses_ref = false;
};

const std::vector<KindDef>& AllKinds();
const KindDef* FindKind(std::string_view kind);

// Shortest text for a parameter value in a column name: 2 -> "2", 1.5 -> "1.5".
std::string ParamText(double v);

}  // namespace huracan::features
