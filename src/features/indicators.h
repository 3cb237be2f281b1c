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

class Indicator {
 public:
  virtual ~Indicator() = default;
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
