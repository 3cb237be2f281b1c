#include "features/builder.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "features/indicators.h"
#include "features/node.h"
#include "features/shared_inputs.h"
#include "features/state_io.h"

namespace huracan::features {
namespace {
constexpr std::string_view kStateMagic = "HURACAN-FEATURE-STATE/3";
}  // namespace

FeatureStream::FeatureStream(FeatureStream&&) noexcept = default;
FeatureStream& FeatureStream::operator=(FeatureStream&&) noexcept = default;
FeatureStream::~FeatureStream() = default;

Result<FeatureStream> FeatureStream::Create(const FeatureRecipe& recipe) {
  std::vector<size_t> all(recipe.specs().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  HURACAN_ASSIGN_OR_RETURN(FeatureStream s, CreatePart(recipe, all, 1));
  if (s.out_.size() != recipe.names().size()) return Internal("feature column count mismatch");
  return s;
}

Result<FeatureStream> FeatureStream::CreatePart(const FeatureRecipe& recipe, const std::vector<size_t>& specs,
                                                size_t block_rows) {
  FeatureStream s;
  s.recipe_ = std::make_unique<FeatureRecipe>(recipe);
  s.shared_ = std::make_unique<SharedInputs>(block_rows);
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
  const HistoryView prev = hist_->View();  // on the previous bar
  const double lr1 = n_ > 0 ? log_close - prev.log_close(0) : kNaN;
  const double ref_lr1 = n_ > 0 ? log_ref - prev.log_ref_close(0) : kNaN;
  const double log_hl = std::log(bar.high / bar.low), log_co = std::log(bar.close / bar.open);
  const uint8_t ref_flag = ref_ok ? 1 : 0;
  hist_->Push(bar.close, log_close, ref_close, log_ref);
  BarBlock one;  // this bar as a block of one row
  one.rows = 1;
  one.first_index = n_;
  one.ts_ms = &bar.ts_ms;
  one.open = &bar.open;
  one.high = &bar.high;
  one.low = &bar.low;
  one.close = &bar.close;
  one.volume = &bar.volume;
  one.prev_close = &prev_close_;
  one.log_close = &log_close;
  one.lr1 = &lr1;
  one.log_hl = &log_hl;
  one.log_co = &log_co;
  one.ref_ok = &ref_flag;
  one.ref_close = &ref_close;
  one.ref_lr1 = &ref_lr1;
  one.hist = hist_->View();
  shared_->Run(one);
  const BarContext ctx = one.At(0);
  double* out = out_.data();
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->Update(ctx, out + offsets_[i]);
  ++n_;
  prev_close_ = bar.close;
  prev_ref_close_ = ref_close;
  return out_;
}

void FeatureStream::RunBlock(const BarBlock& block, double* const* cols) {
  shared_->Run(block);
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->Run(block, cols + offsets_[i]);
  n_ += static_cast<int64_t>(block.rows);
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
  if (bytes.substr(0, kStateMagic.size()) != kStateMagic) {
    constexpr std::string_view kFamily = "HURACAN-FEATURE-STATE/";
    if (bytes.substr(0, kFamily.size()) == kFamily)
      return FailedPrecondition(
          "feature state: written in format '" + std::string(bytes.substr(0, std::min(bytes.find('\n'), size_t{40}))) +
          "', this build reads '" + std::string(kStateMagic) + "': rebuild the stream from history");
    return InvalidArgument("feature state: not a feature-stream state");
  }
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

// Splits the recipe entries into `parts` groups of about equal estimated batch cost. An entry
// costs its own KindDef::batch_ns plus the shared sub-indicators it reads that its group does
// not compute yet (each group computes its own), so entries that read the same ones tend to
// land together. Heaviest first, each onto the group it leaves the least loaded.
std::vector<std::vector<size_t>> SplitSpecs(const FeatureRecipe& recipe, size_t parts) {
  struct Item {
    size_t index;
    double own;
    std::vector<std::pair<std::string, double>> shared;
    double total;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < recipe.specs().size(); ++i) {
    const FeatureSpec& spec = recipe.specs()[i];
    const KindDef* def = FindKind(spec.kind);  // known: checked by the caller
    SharedInputs probe(1);
    def->make(spec.params)->Bind(probe);
    Item it{i, def->batch_ns, probe.Registered(), def->batch_ns};
    for (const auto& sh : it.shared) it.total += sh.second;
    items.push_back(std::move(it));
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.total > b.total; });
  std::vector<std::vector<size_t>> groups(parts);
  std::vector<double> load(parts, 0.0);
  std::vector<std::set<std::string>> have(parts);
  for (const Item& it : items) {
    size_t best = 0;
    double best_load = 0;
    for (size_t g = 0; g < parts; ++g) {
      double l = load[g] + it.own;
      for (const auto& [key, ns] : it.shared)
        if (!have[g].contains(key)) l += ns;
      if (g == 0 || l < best_load) {
        best = g;
        best_load = l;
      }
    }
    groups[best].push_back(it.index);
    load[best] = best_load;
    for (const auto& sh : it.shared) have[best].insert(sh.first);
  }
  for (auto& g : groups) std::sort(g.begin(), g.end());
  std::erase_if(groups, [](const std::vector<size_t>& g) { return g.empty(); });
  return groups;
}

// The per-bar inputs of a whole series that BarContext carries (logs, returns, the aligned
// reference), computed once and read by every group's blocks.
struct SeriesInputs {
  std::vector<double> prev_close, log_close, lr1, log_hl, log_co, ref_close, log_ref, ref_lr1;
  std::vector<uint8_t> ref_ok;

  // Sizes every array for n bars (keeping the memory of a longer series).
  void Resize(size_t n) {
    for (auto* v : {&prev_close, &log_close, &lr1, &log_hl, &log_co, &ref_close, &log_ref, &ref_lr1}) v->resize(n);
    ref_ok.resize(n);
  }

  // Rows [begin, end): everything but the one-row differences (lr1, ref_lr1).
  void FillLevels(const data::BarSeries& bars, const data::BarSeries* ref, size_t begin, size_t end) {
    size_t j = 0;
    if (ref && begin < end)
      j = static_cast<size_t>(std::lower_bound(ref->ts_ms.begin(), ref->ts_ms.end(), bars.ts_ms[begin]) -
                              ref->ts_ms.begin());
    for (size_t i = begin; i < end; ++i) {
      bool ok = false;
      if (ref) {
        while (j < ref->size() && ref->ts_ms[j] < bars.ts_ms[i]) ++j;
        ok = j < ref->size() && ref->ts_ms[j] == bars.ts_ms[i];
      }
      ref_ok[i] = ok ? 1 : 0;
      ref_close[i] = ok ? ref->close[j] : kNaN;
      log_ref[i] = ok ? std::log(ref_close[i]) : kNaN;
      log_close[i] = std::log(bars.close[i]);
      log_hl[i] = std::log(bars.high[i] / bars.low[i]);
      log_co[i] = std::log(bars.close[i] / bars.open[i]);
      prev_close[i] = i > 0 ? bars.close[i - 1] : kNaN;
    }
  }
  void FillDifferences(size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      lr1[i] = i > 0 ? log_close[i] - log_close[i - 1] : kNaN;
      ref_lr1[i] = i > 0 ? log_ref[i] - log_ref[i - 1] : kNaN;
    }
  }

  // Rows [begin, begin + rows) of the series as a block.
  BarBlock Block(const data::BarSeries& bars, size_t begin, size_t rows) const {
    BarBlock b;
    b.rows = rows;
    b.first_index = static_cast<int64_t>(begin);
    b.ts_ms = bars.ts_ms.data() + begin;
    b.open = bars.open.data() + begin;
    b.high = bars.high.data() + begin;
    b.low = bars.low.data() + begin;
    b.close = bars.close.data() + begin;
    b.volume = bars.volume.data() + begin;
    b.prev_close = prev_close.data() + begin;
    b.log_close = log_close.data() + begin;
    b.lr1 = lr1.data() + begin;
    b.log_hl = log_hl.data() + begin;
    b.log_co = log_co.data() + begin;
    b.ref_ok = ref_ok.data() + begin;
    b.ref_close = ref_close.data() + begin;
    b.ref_lr1 = ref_lr1.data() + begin;
    b.hist.close_ = bars.close.data();
    b.hist.lclose_ = log_close.data();
    b.hist.ref_ = ref_close.data();
    b.hist.lref_ = log_ref.data();
    b.hist.pos = static_cast<int64_t>(begin);
    b.hist.mask = ~int64_t{0};
    return b;
  }
};

// Rows per block: the shared sub-indicators' outputs for one block stay in the core's cache.
constexpr size_t kBlockRows = 512;

// Runs fn(t, begin, end) for the T = `threads` row ranges of [0, n) on T threads.
template <typename Fn>
void ParallelRows(size_t n, size_t threads, Fn fn) {
  std::vector<std::jthread> workers;
  for (size_t t = 1; t < threads; ++t) workers.emplace_back([&, t] { fn(n * t / threads, n * (t + 1) / threads); });
  fn(0, n / threads);
}

}  // namespace

struct BatchBuilder::Scratch {
  SeriesInputs in;
};

BatchBuilder::BatchBuilder(BatchOptions options) : options_(options), scratch_(std::make_unique<Scratch>()) {}
BatchBuilder::BatchBuilder(BatchBuilder&&) noexcept = default;
BatchBuilder& BatchBuilder::operator=(BatchBuilder&&) noexcept = default;
BatchBuilder::~BatchBuilder() = default;

Status BatchBuilder::BuildInto(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                               FeatureFrame* out) {
  const BatchOptions& options = options_;
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
  const std::vector<std::vector<size_t>> groups = SplitSpecs(recipe, threads);

  std::vector<FeatureStream> streams;
  std::vector<std::vector<size_t>> group_cols;
  for (const std::vector<size_t>& g : groups) {
    HURACAN_ASSIGN_OR_RETURN(FeatureStream s, FeatureStream::CreatePart(recipe, g, kBlockRows));
    streams.push_back(std::move(s));
    std::vector<size_t> gc;
    for (size_t index : g)
      for (size_t k = 0; k < widths[index]; ++k) gc.push_back(first_col[index] + k);
    group_cols.push_back(std::move(gc));
  }

  const size_t n = bars.size();
  SeriesInputs& in = scratch_->in;
  in.Resize(n);
  ParallelRows(n, threads, [&](size_t begin, size_t end) { in.FillLevels(bars, ref, begin, end); });
  in.FillDifferences(0, n);

  // Runs group g over the whole series, block by block, into its columns of the frame.
  FeatureFrame& frame = *out;
  auto run_part = [&](size_t g) {
    const std::vector<size_t>& gc = group_cols[g];
    for (size_t c : gc) frame.columns[c].resize(n);  // a new column's page faults happen on this thread
    std::vector<double*> out(gc.size());
    for (size_t begin = 0; begin < n; begin += kBlockRows) {
      const size_t rows = std::min(kBlockRows, n - begin);
      for (size_t k = 0; k < gc.size(); ++k) out[k] = frame.columns[gc[k]].data() + begin;
      streams[g].RunBlock(in.Block(bars, begin, rows), out.data());
    }
  };
  frame.names = recipe.names();
  frame.ts_ms = bars.ts_ms;
  frame.columns.resize(cols);
  if (streams.size() <= 1) {
    if (!streams.empty()) run_part(0);
  } else {
    std::vector<std::jthread> workers;
    for (size_t g = 1; g < streams.size(); ++g) workers.emplace_back([&, g] { run_part(g); });
    run_part(0);
  }  // jthreads join here; every column belongs to one group, which sized and filled it
  return Status::Ok();
}

Result<FeatureFrame> BuildFeatures(const FeatureRecipe& recipe, const data::BarSeries& bars, const data::BarSeries* ref,
                                   const BatchOptions& options) {
  FeatureFrame frame;
  HURACAN_RETURN_IF_ERROR(BatchBuilder(options).BuildInto(recipe, bars, ref, &frame));
  return frame;
}

}  // namespace huracan::features
