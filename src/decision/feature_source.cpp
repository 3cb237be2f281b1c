#include "decision/feature_source.h"

namespace huracan::decision {

Result<std::unique_ptr<FeatureSource>> StreamFeatureSource::Create(const features::FeatureRecipe& recipe) {
  HURACAN_ASSIGN_OR_RETURN(features::FeatureStream s, features::FeatureStream::Create(recipe));
  return std::unique_ptr<FeatureSource>(new StreamFeatureSource(std::move(s)));
}

Result<std::span<const double>> StreamFeatureSource::Next(const Bar& bar, const Bar* ref) {
  return stream_.Update(bar, ref && ref->ts_ms == bar.ts_ms ? ref : nullptr);
}

FrameFeatureSource::FrameFeatureSource(const features::FeatureFrame* frame, size_t first)
    : frame_(frame), row_(first), buf_(frame->cols()) {}

Result<std::span<const double>> FrameFeatureSource::Next(const Bar& bar, const Bar* /*ref*/) {
  if (row_ >= frame_->rows()) return FailedPrecondition("feature frame exhausted at bar " + std::to_string(bar.ts_ms));
  if (frame_->ts_ms[row_] != bar.ts_ms)
    return FailedPrecondition("feature frame row " + std::to_string(row_) + " has ts " +
                              std::to_string(frame_->ts_ms[row_]) + " but the bar has ts " + std::to_string(bar.ts_ms));
  for (size_t c = 0; c < buf_.size(); ++c) buf_[c] = frame_->columns[c][row_];
  ++row_;
  return std::span<const double>(buf_);
}

}  // namespace huracan::decision
