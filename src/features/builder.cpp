#include "features/builder.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "features/indicators.h"
#include "features/state_io.h"

namespace huracan::features {
namespace {
constexpr std::string_view kStateMagic = "HURACAN-FEATURE-STATE/2";
}  // namespace

FeatureStream::FeatureStream(FeatureStream&&) noexcept = default;
FeatureStream& FeatureStream::operator=(FeatureStream&&) noexcept = default;
FeatureStream::~FeatureStream() = default;

Result<FeatureStream> FeatureStream::Create(const FeatureRecipe& recipe) {
  std::vector<size_t> all(recipe.specs().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  HURACAN_ASSIGN_OR_RETURN(FeatureStream s, CreatePart(recipe, all));
  if (s.out_.size() != recipe.names().size()) return Internal("feature column count mismatch");
  return s;
}

Result<FeatureStream> FeatureStream::CreatePart(const FeatureRecipe& recipe, const std::vector<size_t>& specs) {
  FeatureStream s;
  s.recipe_ = std::make_unique<FeatureRecipe>(recipe);
  s.shared_ = std::make_unique<SharedInputs>();
  int depth = 1;
  size_t offset = 0;
  for (size_t index : specs) {
    if (index >= recipe.specs().size()) return Internal("feature index out of range");
    const FeatureSpec& spec = recipe.specs()[index];
    const KindDef* def = FindKind(spec.kind);
    if (!def) return InvalidArgument("unknown feature kind '" + spec.kind + "'");
    depth = std::max(depth, def->history(spec.params));
    s.nodes_.push_back(def->make(spec.params));
    s.nodes_.back()->Bind(*s.shared_);
    s.offsets_.push_back(offset);
    offset += def->names(spec.params).size();
  }
  s.hist_ = std::make_unique<History>(depth);
  s.out_.assign(offset, kNaN);
  return s;
}

const std::vector<std::string>& FeatureStream::names() const { return recipe_->names(); }

std::span<const double> FeatureStream::Update(const Bar& bar, const Bar* ref_bar) {
  const bool ref_ok = ref_bar != nullptr && ref_bar->ts_ms == bar.ts_ms;
  const double ref_close = ref_ok ? ref_bar->close : kNaN;
  const double log_close = std::log(bar.close);
  const double log_ref = ref_ok ? std::log(ref_close) : kNaN;
  const double lr1 = n_ > 0 ? log_close - hist_->log_close(0) : kNaN;
  const double ref_lr1 = n_ > 0 ? log_ref - hist_->log_ref_close(0) : kNaN;
  hist_->Push(bar.close, log_close, ref_close, log_ref);
  const BarContext ctx{
      bar,    n_,        prev_close_, log_close, lr1, std::log(bar.high / bar.low), std::log(bar.close / bar.open),
      ref_ok, ref_close, ref_lr1,     *hist_};
  shared_->Update(ctx);
  double* out = out_.data();
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->Update(ctx, out + offsets_[i]);
  ++n_;
  prev_close_ = bar.close;
  prev_ref_close_ = ref_close;
  return out_;
}

void FeatureStream::Serialize(StateIO& io) {
  io.F(n_);
  io.F(prev_close_);
  io.F(prev_ref_close_);
  hist_->Serialize(io);
  shared_->Serialize(io);
  for (auto& node : nodes_) node->Serialize(io);
}

std::string FeatureStream::SaveState() const {
  StateIO io = StateIO::Writer();
  std::string header = std::string(kStateMagic) + "\n" + recipe_->hash() + "\n";
  // Serialize only reads in writer mode.
  const_cast<FeatureStream*>(this)->Serialize(io);
  return header + io.bytes();
}

Status FeatureStream::LoadState(std::string_view bytes) {
  const std::string header = std::string(kStateMagic) + "\n" + recipe_->hash() + "\n";
  if (bytes.substr(0, kStateMagic.size()) != kStateMagic)
    return InvalidArgument("feature state: not a feature-stream state");
  if (bytes.size() < header.size() || bytes.substr(0, header.size()) != header)
    return FailedPrecondition("feature state: saved for another recipe (feature hash differs from " + recipe_->hash() +
                              ")");
  HURACAN_ASSIGN_OR_RETURN(FeatureStream fresh, Create(*recipe_));
  StateIO io = StateIO::Reader(bytes.substr(header.size()));
  fresh.Serialize(io);
  if (!io.ok() || !io.at_end()) return DataLoss("feature state: truncated or malformed");
  *this = std::move(fresh);
  return Status::Ok();
}

namespace {

// Splits the recipe entries (widths[i] = columns of entry i) into `parts` groups of about equal
// cost (longest first onto the lightest group). The cost of an entry is estimated from its column
// count plus a fixed per-entry share for its state machine and shared sub-indicators.
std::vector<std::vector<size_t>> SplitSpecs(const std::vector<size_t>& widths, size_t parts) {
  struct Item {
    size_t index;
    double cost;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < widths.size(); ++i) items.push_back({i, 2.0 + static_cast<double>(widths[i])});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.cost > b.cost; });
  std::vector<std::vector<size_t>> groups(parts);
  std::vector<double> load(parts, 0.0);
  for (const Item& it : items) {
    const size_t g = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    groups[g].push_back(it.index);
    load[g] += it.cost;
  }
  for (auto& g : groups) std::sort(g.begin(), g.end());
  std::erase_if(groups, [](const std::vector<size_t>& g) { return g.empty(); });
  return groups;
}

// Runs `part` over the whole series and writes its columns into frame->columns[cols[k]].
void RunPart(FeatureStream* part, const std::vector<size_t>& cols, const data::BarSeries& bars,
             const data::BarSeries* ref, FeatureFrame* frame) {
  // The stream's per-bar counters live on this thread's stack: side by side in a vector, two
  // threads' streams would share a cache line and slow each other down on every bar.
  FeatureStream stream = std::move(*part);
  const size_t n = bars.size(), width = cols.size();
  for (size_t c : cols) frame->columns[c].resize(n);  // zero-fill (page faults) on this thread
  // Rows go to a small row-major block first, then column by column into the frame: far fewer
  // cache misses than scattering every row across all the columns.
  constexpr size_t kBlock = 256;
  std::vector<double> block(kBlock * width);
  auto flush = [&](size_t end) {
    const size_t begin = (end - 1) / kBlock * kBlock;
    for (size_t k = 0; k < width; ++k) {
      double* dst = frame->columns[cols[k]].data();
      for (size_t r = begin; r < end; ++r) dst[r] = block[(r - begin) * width + k];
    }
  };
  size_t j = 0;
  Bar ref_bar;
  for (size_t i = 0; i < n; ++i) {
    const Bar bar{bars.ts_ms[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]};
    const Bar* rp = nullptr;
    if (ref) {
      while (j < ref->size() && ref->ts_ms[j] < bar.ts_ms) ++j;
      if (j < ref->size() && ref->ts_ms[j] == bar.ts_ms) {
        ref_bar = ref->bar(j);
        rp = &ref_bar;
      }
    }
    const std::span<const double> row = stream.Update(bar, rp);
    std::copy(row.begin(), row.end(), block.begin() + static_cast<std::ptrdiff_t>((i % kBlock) * width));
    if (i % kBlock == kBlock - 1 || i + 1 == n) flush(i + 1);
  }
}

}  // namespace

Result<FeatureFrame> BuildFeatures(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                                   const BatchOptions& options) {
  auto check_sorted = [](const data::BarSeries& s, const char* what) -> Status {
    for (size_t i = 1; i < s.size(); ++i)
      if (s.ts_ms[i] <= s.ts_ms[i - 1])
        return InvalidArgument(std::string(what) + " " + (s.symbol.empty() ? "series" : s.symbol) +
                               ": timestamps not strictly increasing at row " + std::to_string(i) + " (" +
                               std::to_string(s.ts_ms[i]) + ")");
    return Status::Ok();
  };
  HURACAN_RETURN_IF_ERROR(check_sorted(bars, "bars"));
  if (ref) HURACAN_RETURN_IF_ERROR(check_sorted(*ref, "reference"));

  // Columns of each recipe entry, and its first column in the full frame.
  std::vector<size_t> widths, first_col;
  size_t cols = 0;
  for (const FeatureSpec& spec : recipe.specs()) {
    const KindDef* def = FindKind(spec.kind);
    if (!def) return InvalidArgument("unknown feature kind '" + spec.kind + "'");
    widths.push_back(def->names(spec.params).size());
    first_col.push_back(cols);
    cols += widths.back();
  }
  if (cols != recipe.names().size()) return Internal("feature column count mismatch");

  size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads) : std::thread::hardware_concurrency();
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(1, recipe.specs().size()));
  if (bars.size() < 4096) threads = 1;  // not worth a thread
  const std::vector<std::vector<size_t>> groups = SplitSpecs(widths, threads);

  std::vector<FeatureStream> streams;
  std::vector<std::vector<size_t>> group_cols;
  for (const std::vector<size_t>& g : groups) {
    HURACAN_ASSIGN_OR_RETURN(FeatureStream s, FeatureStream::CreatePart(recipe, g));
    streams.push_back(std::move(s));
    std::vector<size_t> gc;
    for (size_t index : g)
      for (size_t k = 0; k < widths[index]; ++k) gc.push_back(first_col[index] + k);
    group_cols.push_back(std::move(gc));
  }

  FeatureFrame frame;
  frame.names = recipe.names();
  frame.ts_ms = bars.ts_ms;
  frame.columns.resize(cols);
  if (streams.size() <= 1) {
    if (!streams.empty()) RunPart(&streams[0], group_cols[0], bars, ref, &frame);
  } else {
    std::vector<std::jthread> workers;
    for (size_t g = 1; g < streams.size(); ++g)
      workers.emplace_back([&, g] { RunPart(&streams[g], group_cols[g], bars, ref, &frame); });
    RunPart(&streams[0], group_cols[0], bars, ref, &frame);
  }  // jthreads join here; every column belongs to one group, which sized and filled it
  return frame;
}

}  // namespace huracan::features
