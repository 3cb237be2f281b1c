// The shared machinery of the rule engines: a RuleSpec declares an engine (features, grid, signal
// rule); RuleEngine does Bind, the grid search on net performance on the first part of the window,
// the calibration of edge and confidence per side on the later part (calibration.h, SplitRow),
// serialisation and a const, allocation-free Infer.
//
// A rule engine is one file `<id>.cpp` that defines `const RuleSpec& <Name>Spec()` with designated
// initializers, its feature columns as `enum Col {..., kNumCols}` and its parameters as
// `enum Param {..., kNumParams}` (FeatureNames / ParamNames check that the lists match), plus
// one RULE(<Name>) line in engines/engine_table.h. See docs/ENGINES.md, "How to add an engine".
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "engines/calibration.h"
#include "engines/engine.h"

namespace huracan::engines {

inline constexpr int kMaxRuleFeatures = 8;
inline constexpr int kMaxRuleParams = 4;
using RuleParams = std::array<double, kMaxRuleParams>;

// +1 buy, -1 sell, 0 nothing. `x` holds the engine's features in RuleSpec::features order
// (index it with the engine's `Col` enum), `p` one grid candidate (index it with its `Param` enum).
// Must be false/0 when a value it needs is NaN (plain comparisons are).
using SignalFn = int (*)(const double* x, const double* p);

struct RuleSpec {
  const char* id;  // the engine id: the registry, the CLI and the parameter bytes use it
  EngineFamily family;
  std::vector<Regime> regimes;
  int horizon_minutes;
  std::vector<std::string> features;     // default-recipe names, in `Col` order
  std::vector<std::string> param_names;  // in `Param` order
  std::vector<RuleParams> grid;          // candidates in search order (ties: the first wins)
  SignalFn signal;
  const char* buy_reason;   // <= 15 chars
  const char* sell_reason;  // <= 15 chars
  // The most permissive candidate: meta_label uses it as a high-recall primary signal.
  size_t loose_candidate = 0;
};

// The names of a spec's features (FeatureNames<kNumCols>) or parameters (ParamNames<kNumParams>):
// a list whose length differs from its enum, or exceeds the fixed buffers, does not compile.
template <size_t Count, size_t Max, size_t N>
std::vector<std::string> CheckedNames(const char* const (&names)[N]) {
  static_assert(N == Count, "one name per enum entry, in enum order");
  static_assert(N <= Max, "too many for the fixed-size buffers");
  return std::vector<std::string>(names, names + N);
}
template <size_t Count, size_t N>
std::vector<std::string> FeatureNames(const char* const (&names)[N]) {
  return CheckedNames<Count, kMaxRuleFeatures>(names);
}
template <size_t Count, size_t N>
std::vector<std::string> ParamNames(const char* const (&names)[N]) {
  return CheckedNames<Count, kMaxRuleParams>(names);
}

// The grid: every combination of the axes' values, the first axis outermost (so candidates are in
// the order of nested loops). Unused trailing parameters are 0.
std::vector<RuleParams> Grid(std::initializer_list<double> p0, std::initializer_list<double> p1 = {0.0},
                             std::initializer_list<double> p2 = {0.0}, std::initializer_list<double> p3 = {0.0});

// Whether a fit can split [begin, end) at SplitRow(begin, end) for horizon h bars: the selection
// part must hold more than h rows (its last h are purged) and the calibration part at least
// kMinTrades * h rows (room for kMinTrades non-overlapping trades). Otherwise a rule engine is off.
bool CanSplit(size_t begin, size_t end, int h);

// Per-candidate statistics of one grid search (exposed for tests).
struct CandidateResult {
  SideStats long_stats, short_stats;
  double score = 0.0;
};

class RuleEngine : public Engine {
 public:
  explicit RuleEngine(const RuleSpec& spec) : spec_(spec) {}

  std::string_view id() const override { return spec_.id; }
  EngineFamily family() const override { return spec_.family; }
  std::vector<Regime> regimes() const override { return spec_.regimes; }
  int horizon_minutes() const override { return spec_.horizon_minutes; }
  std::vector<std::string> required_features() const override { return spec_.features; }
  bool active() const override { return candidate_ >= 0; }
  int trials() const override { return static_cast<int>(spec_.grid.size()); }

  Status Bind(const std::vector<std::string>& feature_names) override;
  Status Fit(const TrainWindow& window) override;
  // The mechanic's fine-tune (docs/MECHANIC.md): keeps the chosen candidate; its trades on the
  // whole window give each side's edge and confidence. An engine that is off stays off (switching
  // it on needs the grid search).
  Status Recalibrate(const TrainWindow& window);
  EngineOutput Infer(const FeatureRow& row) const override;
  std::string SaveParams() const override;
  Status LoadParams(std::string_view bytes) override;

  // Introspection for tests and docs.
  const RuleSpec& spec() const { return spec_; }
  int candidate() const { return candidate_; }
  const RuleParams& params() const { return params_; }
  const SideCal& long_side() const { return long_; }
  const SideCal& short_side() const { return short_; }

  // Signal diagnostics (docs/ENGINES.md, "Signal diagnostics"): the grid candidate the last Fit
  // would pick if trading cost nothing (the best grid score at cost 0 and floor 0 on the selection
  // part of the training window, or on all of it when it is too short to split; none positive:
  // `loose_candidate`). It does not depend on the fit's cost or floor.
  // -1 before Fit and after LoadParams (the bytes do not carry it).
  int ungated_candidate() const { return ungated_; }
  // The non-overlapping trades of the ungated candidate on rows [begin, end) of `w`, as the grid
  // search counts them, at cost 0 (so `wins` counts side-signed forward returns > 0). Ignores
  // w.round_trip_cost_bps and w.net_edge_floor_bps. FailedPrecondition without an ungated candidate.
  Result<CandidateResult> UngatedTrades(const TrainWindow& w) const;

 private:
  const RuleSpec& spec_;
  std::vector<int> idx_;  // frame column of each spec feature
  int max_idx_ = -1;
  int candidate_ = -1;  // -1: off (or not fitted)
  int ungated_ = -1;    // the diagnostic candidate (not serialised)
  RuleParams params_{};
  SideCal long_, short_;
};

// Evaluates every grid candidate of `spec` on the window, with features at columns `idx` (Fit
// passes the selection part [w.begin, SplitRow(w.begin, w.end))).
std::vector<CandidateResult> EvaluateGrid(const RuleSpec& spec, const std::vector<int>& idx, const TrainWindow& w);

}  // namespace huracan::engines
