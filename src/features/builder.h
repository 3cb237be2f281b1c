// The feature builder's public API: the same recipe evaluated over a whole series (batch) or one
// bar at a time (streaming). Batch mode runs the streaming state machines over the series (in
// blocks of rows, one feature at a time), so the two give identical numbers, and the value at bar
// t only ever depends on bars <= t.
//
// Cross-asset features read a reference series (BTC) aligned by timestamp: the reference bar
// with the same ts_ms as the coin's bar. If there is none, those features are NaN on that bar
// (never forward-filled); without a reference series at all they are NaN throughout.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "data/bar_series.h"
#include "features/frame.h"
#include "features/recipe.h"

namespace huracan::features {

class Indicator;
class SharedInputs;
struct BarBlock;

struct BatchOptions {
  // Threads for the batch build; 0 = one per hardware thread. The recipe's features are split
  // into groups that each thread runs with its own streaming state, so the output is the same
  // bits for any thread count.
  int threads = 0;
};

class FeatureStream {
 public:
  static Result<FeatureStream> Create(const FeatureRecipe& recipe);

  FeatureStream(FeatureStream&&) noexcept;
  FeatureStream& operator=(FeatureStream&&) noexcept;
  ~FeatureStream();
  FeatureStream(const FeatureStream&) = delete;
  FeatureStream& operator=(const FeatureStream&) = delete;

  // Consumes the next bar (bars must come in increasing time order) and returns the features of
  // that bar, in recipe order; NaN = not available. `ref_bar` is the reference bar at the same
  // timestamp, or null when it is missing (a ref bar with another timestamp counts as missing).
  // The span stays valid until the next call.
  std::span<const double> Update(const Bar& bar, const Bar* ref_bar);

  // Complete state as bytes; LoadState restores it, and the stream then continues exactly as the
  // saved one would. LoadState refuses state from another recipe (hash) or malformed bytes and
  // then leaves this stream unchanged.
  std::string SaveState() const;
  Status LoadState(std::string_view bytes);

  const std::vector<std::string>& names() const;
  const FeatureRecipe& recipe() const { return *recipe_; }
  int64_t bars_seen() const { return n_; }

 private:
  friend class BatchBuilder;
  FeatureStream() = default;
  // A stream that computes only the recipe entries whose indices are in `specs` (ascending);
  // Update then returns just their columns, in that order. Batch mode runs one per thread.
  // `block_rows`: the most rows one RunBlock call gets (1 for Update).
  static Result<FeatureStream> CreatePart(const FeatureRecipe& recipe, const std::vector<size_t>& specs,
                                          size_t block_rows);
  // Batch mode: the rows of `block` through every feature, one feature at a time; output column k
  // of this stream goes to cols[k][0 .. block.rows). The History is not used (the block's view
  // reads the whole series), so such a stream is only for batch runs.
  void RunBlock(const BarBlock& block, double* const* cols);
  void Serialize(class StateIO& io);

  std::unique_ptr<FeatureRecipe> recipe_;
  std::unique_ptr<SharedInputs> shared_;  // sub-indicators read by several nodes
  std::vector<std::unique_ptr<Indicator>> nodes_;
  std::vector<size_t> offsets_;
  std::unique_ptr<class History> hist_;
  std::vector<double> out_;
  int64_t n_ = 0;
  double prev_close_ = kNaN;
  double prev_ref_close_ = kNaN;
};

// Batch mode with buffers kept between calls: the per-bar inputs it computes (~15 MB for 216k
// bars) and, through BuildInto, the caller's output frame (71 columns x 216k rows = 123 MB for
// the default recipe). Faulting in that much fresh memory costs about as much as computing the
// features on this kind of machine, so a worker that builds one series after another should
// keep one builder and one frame (docs/BENCHMARKS.md). Not thread-safe: one builder per thread.
class BatchBuilder {
 public:
  explicit BatchBuilder(BatchOptions options = {});
  BatchBuilder(BatchBuilder&&) noexcept;
  BatchBuilder& operator=(BatchBuilder&&) noexcept;
  ~BatchBuilder();

  // The same frame as BuildFeatures, written into *frame: its columns' memory is reused where
  // it is large enough. On error (unsorted timestamps, unknown kind) *frame is left unchanged.
  Status BuildInto(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                   FeatureFrame* frame);

 private:
  struct Scratch;
  BatchOptions options_;
  std::unique_ptr<Scratch> scratch_;
};

// Batch mode: features of every bar of `bars`. `ref` (may be null) is the reference series for
// cross-asset features. Errors when timestamps of either series are not strictly increasing.
Result<FeatureFrame> BuildFeatures(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                                   const BatchOptions& options = {});

}  // namespace huracan::features
