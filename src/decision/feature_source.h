// Where the pipeline gets each bar's features: the streaming FeatureStream (live, checks), or a
// precomputed batch FeatureFrame replayed row by row (backtests; the builder guarantees batch ==
// streaming, and every value at bar t depends only on bars <= t).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/market.h"
#include "core/status.h"
#include "features/builder.h"
#include "features/frame.h"

namespace huracan::decision {

class FeatureSource {
 public:
  virtual ~FeatureSource() = default;
  virtual const std::vector<std::string>& names() const = 0;
  // Features of `bar` (the next bar in time); `ref` is the reference bar at the same timestamp or null.
  virtual Result<std::span<const double>> Next(const Bar& bar, const Bar* ref) = 0;
};

class StreamFeatureSource final : public FeatureSource {
 public:
  explicit StreamFeatureSource(features::FeatureStream stream) : stream_(std::move(stream)) {}
  static Result<std::unique_ptr<FeatureSource>> Create(const features::FeatureRecipe& recipe);
  const std::vector<std::string>& names() const override { return stream_.names(); }
  Result<std::span<const double>> Next(const Bar& bar, const Bar* ref) override;
  features::FeatureStream& stream() { return stream_; }

 private:
  features::FeatureStream stream_;
};

// Replays rows of a frame (not owned; must outlive the source), starting at row `first`.
class FrameFeatureSource final : public FeatureSource {
 public:
  FrameFeatureSource(const features::FeatureFrame* frame, size_t first);
  const std::vector<std::string>& names() const override { return frame_->names; }
  Result<std::span<const double>> Next(const Bar& bar, const Bar* ref) override;

 private:
  const features::FeatureFrame* frame_;
  size_t row_;
  std::vector<double> buf_;
};

}  // namespace huracan::decision
