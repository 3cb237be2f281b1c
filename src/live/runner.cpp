#include "live/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <tuple>

#include "core/strings.h"
#include "core/time_units.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "decision/feature_source.h"
#include "execution/symbol_driver.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "live/bar_guard.h"
#include "live/bar_ring.h"
#include "live/state_store.h"
#include "live/symbols_selector.h"
#include "live/trade_log.h"
#include "registry/archive.h"
#include "registry/champion.h"
#include "registry/live_evidence.h"
#include "registry/loader.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"

namespace huracan::live {
namespace {

namespace fs = std::filesystem;

constexpr char kPauseKey[] = "control/paused.json";
constexpr char kSelectorKey[] = "symbols_selector.json";
constexpr size_t kStatusSwapsKept = 50;
constexpr size_t kStatusNavPointsKept = 1000;  // LiveStatus::equity_curve

// A model change asked for at the boundary after bar `after_ms`: to `model_id` ("" = stop trading)
// stored at `path`. Replayed as recorded by a restart's catch-up.
struct SwapRequest {
  int64_t after_ms = 0;
  std::string model_id, path, reason;
};

// What hot-swap checks compare to see a change of an archive object: a local file's modification
// time and size (a stat), a remote object's bytes (a GET). An object is reread only on a change.
struct FileStamp {
  bool exists = false;
  int64_t mtime = 0;
  uintmax_t size = 0;
  std::string bytes;  // remote objects only
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  std::error_code ec;
  FileStamp s;
  const auto t = fs::last_write_time(path, ec);
  if (ec) return s;
  s.size = fs::file_size(path, ec);
  if (ec) return s;
  s.exists = true;
  s.mtime = static_cast<int64_t>(t.time_since_epoch().count());
  return s;
}

// The champion's features of the last bar it stepped: the span points into its FeatureStream and
// is valid until the champion's next bar, which is when challengers read it.
struct FeatureTap {
  int64_t ts = INT64_MIN;
  std::span<const double> values;
};

// The champion's feature source: its stream, each bar's features also left in the tap.
class TapFeatureSource final : public decision::FeatureSource {
 public:
  TapFeatureSource(features::FeatureStream stream, std::shared_ptr<FeatureTap> tap)
      : inner_(std::move(stream)), tap_(std::move(tap)) {}
  const std::vector<std::string>& names() const override { return inner_.names(); }
  Result<std::span<const double>> Next(const Bar& bar, const Bar* ref) override {
    auto r = inner_.Next(bar, ref);
    tap_->ts = r.ok() ? bar.ts_ms : INT64_MIN;
    if (r.ok()) tap_->values = *r;
    return r;
  }
  decision::StreamFeatureSource& stream_source() { return inner_; }

 private:
  decision::StreamFeatureSource inner_;
  std::shared_ptr<FeatureTap> tap_;
};

// A challenger's feature source: the champion's values of the same bar (the same recipe: the
// loader checks each bundle's feature hash against it), never computed twice.
class MirrorFeatureSource final : public decision::FeatureSource {
 public:
  MirrorFeatureSource(std::shared_ptr<const FeatureTap> tap, std::vector<std::string> names)
      : tap_(std::move(tap)), names_(std::move(names)) {}
  const std::vector<std::string>& names() const override { return names_; }
  Result<std::span<const double>> Next(const Bar& bar, const Bar* /*ref*/) override {
    if (tap_->ts != bar.ts_ms)
      return FailedPrecondition("the champion's features of bar " + data::FormatIsoUtc(bar.ts_ms) + " are missing");
    return tap_->values;
  }

 private:
  std::shared_ptr<const FeatureTap> tap_;
  std::vector<std::string> names_;
};

// A challenger shadow-traded beside a champion: its own pipeline, executor and guardrails.
struct ChallengerRun {
  registry::ChallengerEntry entry;
  std::unique_ptr<registry::LoadedModel> model;
  std::unique_ptr<execution::SymbolDriver> driver;
  double notional = 0;
  int64_t since_ms = INT64_MIN;  // the first bar it stepped
  std::string failed;            // a pipeline error: no longer stepped
  std::vector<double> bps;
};

double NetBps(const TradeRecord& r) { return r.size > 0 ? r.net_pnl / r.size * 1e4 : 0.0; }

// One candidate symbol: the model it runs (none: not traded), its driver, a pending change.
struct Slot {
  std::string symbol;
  bool use_ref = true;  // false for BTC itself, as backtest::LoadInputs
  std::unique_ptr<registry::LoadedModel> model;
  std::unique_ptr<execution::SymbolDriver> driver;
  decision::StreamFeatureSource* stream = nullptr;  // the driver's feature source
  double notional = 0;
  int64_t last_ts = INT64_MIN;  // open time of the last bar stepped
  std::string failed;           // a pipeline error: the symbol is no longer stepped
  // Hot swap: the model asked for ("" = none) and whether it waits for the position to close.
  bool pending = false;
  std::string want_id, want_path, want_reason;
  std::string start_id, start_path;  // the model at the run's start (saved once a swap was asked for)
  std::vector<SwapRequest> requests;
  bool ever_traded = false;
  SymbolStatus status;
  int64_t loss_alert_day = INT64_MIN;
  // Challengers: the set's entries (read at the start and when the file changes), those running,
  // the ones whose bundle could not be loaded (not retried until the file changes), and the
  // champion's closed trades this run (time, net bps) they are compared with.
  std::shared_ptr<FeatureTap> tap = std::make_shared<FeatureTap>();
  std::vector<registry::ChallengerEntry> wanted_challengers;
  std::vector<ChallengerRun> challengers;
  std::map<std::string, std::string> challenger_errors;
  std::vector<std::pair<int64_t, double>> champion_bps;
  FileStamp challenger_stamp;
  // The set as read at each change (after this bar time; INT64_MIN: at the start), saved in the
  // state so that a restart's catch-up runs the challengers the saved run ran, from the same bars.
  std::vector<std::pair<int64_t, std::vector<registry::ChallengerEntry>>> challenger_sets;
  bool restored = false;  // started from a saved blob: its challenger sets, not the file's
  const std::string& model_id() const {
    static const std::string kNone;
    return model ? model->model_id : kNone;
  }
};

// The reference (BTC) series of the folder, as backtest::LoadInputs picks it: BTC-USDT-PERP, then
// BTC-USDT, of the same timeframe.
std::string ReferenceSymbol(const std::vector<data::CatalogEntry>& entries) {
  for (const char* id : {"BTCUSDT-PERP", "BTCUSDT"})
    for (const auto& e : entries)
      if (e.symbol() == id) return id;
  return "";
}

TradeRecord ToRecord(const execution::Trade& t, const std::string& model_id, double notional) {
  TradeRecord r;
  r.trade_id = TradeId(t.symbol, t.entry_ts_ms, model_id);
  r.time_ms = t.exit_ts_ms;
  r.symbol = t.symbol;
  r.side = t.direction == Direction::kBuy ? "long" : "short";
  r.size = notional;
  r.entry = t.entry_price;
  r.exit = t.exit_price;
  r.fees = execution::TradeFeesQuote(t, notional);
  r.net_pnl = execution::TradeNetPnlQuote(t, notional);
  r.model_id = model_id;
  return r;
}

// The paper broker's book: NAV from realised P&L, its drawdown, and the day's turnover and fees.
struct PaperBook {
  double capital = 0;
  double nav = 0, peak = 0, max_dd = 0;
  int64_t day = INT64_MIN;
  double day_notional = 0, day_fees = 0;

  void Add(const TradeRecord& r) {
    nav += r.net_pnl;
    peak = std::max(peak, nav);
    if (peak > 0) max_dd = std::max(max_dd, (peak - nav) / peak);
    day_notional += 2 * r.size;  // both sides
    day_fees += r.fees;
  }
  DailyEquity Row() const {
    DailyEquity e;
    e.date = data::FormatIsoUtc(day * kMsPerDay).substr(0, 10);
    e.nav = nav;
    e.max_dd = max_dd;
    e.turnover = capital > 0 ? day_notional / capital : 0;
    e.fees_bps = day_notional > 0 ? day_fees / day_notional * 1e4 : 0;
    return e;
  }
};

// Decision time per bar, in log buckets 1% wide from 0.1 us: p50/p99 to 1%, constant memory.
class LatencyQuantiles {
 public:
  void Add(double us) {
    const double x = std::max(us, kMinUs);
    const size_t b = std::min(kBuckets - 1, static_cast<size_t>(std::log(x / kMinUs) / std::log(kGrowth)));
    ++counts_[b];
    ++n_;
  }
  double Quantile(double q) const {
    if (n_ == 0) return 0;
    const uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(n_)));
    uint64_t seen = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      seen += counts_[b];
      if (seen >= std::max<uint64_t>(rank, 1)) return kMinUs * std::pow(kGrowth, static_cast<double>(b) + 0.5);
    }
    return kMinUs * std::pow(kGrowth, static_cast<double>(kBuckets));
  }

 private:
  static constexpr double kMinUs = 0.1, kGrowth = 1.01;
  static constexpr size_t kBuckets = 2000;  // up to ~4e7 us
  std::vector<uint64_t> counts_ = std::vector<uint64_t>(kBuckets, 0);
  uint64_t n_ = 0;
};

// The folder of a local archive ("DIR", "file:DIR", "file://DIR"); empty for other schemes.
std::string LocalRoot(const std::string& url) {
  if (url.starts_with("file://")) return url.substr(7);
  if (url.starts_with("file:")) return url.substr(5);
  if (url.find("://") != std::string::npos) return "";
  return url;
}

// Feeds `stream` every bar of `bars`, with the reference bar of the same time.
void WarmStream(features::FeatureStream& stream, const data::BarSeries& bars, const data::BarSeries* ref) {
  size_t ref_i = 0;
  for (size_t i = 0; i < bars.size(); ++i) {
    Bar rb;
    const Bar bar = bars.bar(i);
    stream.Update(bar, data::AlignedBar(ref, bar.ts_ms, &ref_i, &rb));
  }
}

std::vector<std::string> EngineIds(const registry::LoadedModel& m) {
  std::vector<std::string> ids;
  for (const auto& e : m.engines) ids.emplace_back(e->id());
  return ids;
}

Error NoResumePoint(const std::string& file, int64_t resume_after) {
  return FailedPrecondition(file + ": the replay has no bar at the saved feed position " +
                            data::FormatIsoUtc(resume_after) +
                            " (other data, --from or --to than the run that saved it)");
}

}  // namespace

Result<LiveMode> ParseLiveMode(const std::string& text) {
  if (text == "paper") return LiveMode::kPaper;
  if (text == "shadow") return LiveMode::kShadow;
  return InvalidArgument("--mode '" + text + "': expected paper or shadow");
}

// ---------------------------------------------------------------------------------------------
// ReplayHistory

Result<std::unique_ptr<ReplayHistory>> ReplayHistory::Open(const std::string& dir, const std::string& timeframe) {
  auto h = std::make_unique<ReplayHistory>();
  HURACAN_ASSIGN_OR_RETURN_CTX(h->entries_, data::ScanDataDir(dir, timeframe), "--replay");
  return h;
}

Result<const data::BarSeries*> ReplayHistory::Series(const std::string& symbol) {
  if (auto it = loaded_.find(symbol); it != loaded_.end()) return &it->second;
  for (const auto& e : entries_) {
    if (e.symbol() != symbol) continue;
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::LoadBars(e.path));
    return &loaded_.emplace(symbol, std::move(bars)).first->second;
  }
  return NotFound("no candle file for " + symbol);
}

Result<data::BarSeries> ReplayHistory::Take(const std::string& symbol) {
  if (auto s = Series(symbol); !s.ok()) return s.error();
  auto node = loaded_.extract(symbol);
  return std::move(node.mapped());
}

Result<data::BarSeries> ReplayHistory::Bars(const std::string& symbol, int64_t before_ms, size_t count) {
  auto s = Series(symbol);
  if (!s.ok()) return data::BarSeries{};
  const data::BarSeries& all = **s;
  const size_t end = data::FirstAtOrAfter(all.ts_ms, before_ms);
  const size_t begin = count == 0 || count >= end ? 0 : end - count;
  return all.slice(begin, end);
}

// ---------------------------------------------------------------------------------------------
// LiveRunner

struct LiveRunner::Impl {
  LiveOptions o;
  const Clock& clock;
  HistoryProvider& history;
  std::vector<std::string> candidates;
  std::string ref_symbol;
  bool paper = false;
  TradeBook book = TradeBook::kShadow;
  int64_t tf_ms = 60'000;
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<storage::Database> db;
  features::FeatureRecipe recipe;
  std::optional<StateStore> state_store;
  std::optional<LiveState> saved;
  int64_t resume_after = INT64_MIN;            // bar times <= this were processed by an earlier run
  std::optional<costs::Guardrails> portfolio;  // paper: one set of guardrails for every symbol
  std::vector<Slot> slots;
  std::map<std::string, size_t> slot_of;
  std::map<std::string, BarRing> rings;  // recent bars per symbol (candidates and reference)
  LiveReport report;
  LatencyQuantiles quantiles;
  LatencyHistogram histogram;
  std::vector<ModelSwap> recent_swaps;
  std::ofstream decisions;
  // Hot swap and pause.
  std::string root;                       // local archive folder ("" when not local: polled, below)
  std::vector<FileStamp> pointer_stamps;  // per slot
  FileStamp selector_stamp;
  // A remote archive (s3://) is polled at most every o.poll_seconds of wall time; a local one is
  // stat-ed at every bar boundary.
  std::optional<std::chrono::steady_clock::time_point> last_poll;
  std::optional<std::set<std::string>> selection;  // the selector's symbols; none: every candidate
  bool paused = false;
  std::vector<std::pair<int64_t, bool>> pause_changes;  // (after bar time, paused)
  std::vector<std::pair<int64_t, bool>> saved_pause_changes;
  int64_t started_ms = 0;
  FeedStatus feed;

  Impl(const LiveOptions& options, const Clock& c, HistoryProvider& h) : o(options), clock(c), history(h) {}

  bool catching_up = false;  // a restart's catch-up: alerts were raised by the run that saved

  void Alert(AlertKind kind, int64_t at_ms, const std::string& symbol, const std::string& text) {
    if (o.alerts && !catching_up)
      o.alerts->Raise(live::Alert{.kind = kind, .at_ms = at_ms, .symbol = symbol, .text = text});
  }

  // A symbol's blob in the state file: its model, the last bar stepped, the executor's state (open
  // position, pending orders) and the meta combiner's state; after a swap request, the model it
  // started with and every request (so a restart replays them), and the pause changes.
  std::string SlotState(const Slot& s) const {
    nlohmann::ordered_json j;
    j["model_id"] = s.model_id();
    j["last_bar_ts"] = s.last_ts;
    j["executor"] = s.driver ? s.driver->executor().SaveState() : "";
    j["meta"] = s.driver ? s.driver->pipeline().meta().Save() : "";
    if (!s.requests.empty()) {
      j["started_with"] = {{"model_id", s.start_id}, {"path", s.start_path}};
      nlohmann::ordered_json reqs = nlohmann::ordered_json::array();
      for (const auto& r : s.requests)
        reqs.push_back({{"after", r.after_ms}, {"model_id", r.model_id}, {"path", r.path}, {"reason", r.reason}});
      j["requests"] = std::move(reqs);
    }
    if (!pause_changes.empty()) {
      nlohmann::ordered_json p = nlohmann::ordered_json::array();
      for (const auto& [at, on] : pause_changes) p.push_back({at, on});
      j["pause"] = std::move(p);
    }
    // Challengers (only when the symbol ever had a set): each change of the set, and each running
    // challenger's executor and meta state, checked like the champion's after a catch-up.
    if (!s.challenger_sets.empty()) {
      nlohmann::ordered_json sets = nlohmann::ordered_json::array();
      for (const auto& [at, entries] : s.challenger_sets) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& e : entries) list.push_back(nlohmann::ordered_json::parse(e.ToJson().dump()));
        sets.push_back({{"after", at}, {"challengers", std::move(list)}});
      }
      j["challenger_sets"] = std::move(sets);
    }
    if (!s.challengers.empty()) {
      nlohmann::ordered_json runs = nlohmann::ordered_json::array();
      for (const ChallengerRun& c : s.challengers)
        runs.push_back({{"model_id", c.entry.model_id},
                        {"executor", c.driver->executor().SaveState()},
                        {"meta", c.driver->pipeline().meta().Save()},
                        {"failed", c.failed}});
      j["challengers"] = std::move(runs);
    }
    return j.dump();
  }
  bool Persisted(const Slot& s) const { return s.driver || !s.requests.empty() || s.ever_traded; }

  // After a restart's catch-up, every symbol's re-derived state must be the saved one.
  Status CheckCaughtUp() const {
    const std::string& file = state_store->path();
    for (const Slot& s : slots) {
      if (!Persisted(s)) continue;
      auto it = saved->symbols.find(s.symbol);
      if (it == saved->symbols.end())
        return FailedPrecondition(file + ": " + s.symbol + " is traded now but has no saved state");
      if (it->second != SlotState(s))
        return FailedPrecondition(file + ": " + s.symbol +
                                  ": the state re-derived from the replay differs from the saved state (another "
                                  "champion, other data or other costs than the run that saved it)");
    }
    return Status::Ok();
  }

  Status Init() {
    paper = o.mode == LiveMode::kPaper;
    book = paper ? TradeBook::kLive : TradeBook::kShadow;
    HURACAN_ASSIGN_OR_RETURN(store, storage::OpenObjectStore(o.archive));
    HURACAN_ASSIGN_OR_RETURN(db, storage::OpenDatabase(o.db));
    HURACAN_RETURN_IF_ERROR_CTX(storage::Migrate(*db), o.db);
    HURACAN_ASSIGN_OR_RETURN(recipe, features::LoadRecipe(o.recipe));
    tf_ms = data::TimeframeMs(o.timeframe);
    if (tf_ms <= 0) return InvalidArgument("timeframe '" + o.timeframe + "' is not known");
    root = LocalRoot(o.archive);
    started_ms = clock.NowMs();
    feed.kind = o.feed_kind;

    // The restart state: where the last run stopped.
    if (!o.state_dir.empty()) {
      HURACAN_ASSIGN_OR_RETURN(StateStore st, StateStore::Open(o.state_dir));
      HURACAN_ASSIGN_OR_RETURN(saved, st.Load());
      state_store.emplace(std::move(st));
    }
    if (saved && !saved->feed_position.empty()) {
      const std::string& fp = saved->feed_position;
      if (std::from_chars(fp.data(), fp.data() + fp.size(), resume_after).ec != std::errc())
        return DataLoss(state_store->path() + ": feed_position '" + fp + "' is not a bar time in ms");
    }
    if (paper) portfolio.emplace(costs::GuardrailConfig{});
    HURACAN_RETURN_IF_ERROR(ReadSelector(/*at_start=*/true));

    const int64_t warm_before = o.replay.from_ms.value_or(INT64_MIN);
    std::optional<data::BarSeries> ref_warm;
    for (const std::string& symbol : candidates) {
      slot_of[symbol] = slots.size();
      Slot& slot = slots.emplace_back();
      slot.symbol = symbol;
      slot.use_ref = !symbol.starts_with("BTC");
      pointer_stamps.push_back(StampKey(registry::ChampionPointerKey(symbol)));
      // A restart after a swap starts each symbol as the saved run did, and replays its requests.
      std::optional<nlohmann::json> blob;
      if (saved)
        if (auto it = saved->symbols.find(symbol); it != saved->symbols.end()) {
          auto j = nlohmann::json::parse(it->second, nullptr, false);
          if (j.is_discarded()) return DataLoss(state_store->path() + ": " + symbol + ": the blob is not JSON");
          blob = std::move(j);
        }
      std::optional<registry::ChampionEntry> start_entry;  // set: this model, not the champion
      bool start_none = false;
      if (blob && blob->contains("started_with")) {
        const auto& sw = (*blob)["started_with"];
        start_entry.emplace();
        start_entry->model_id = sw.value("model_id", "");
        start_entry->path = sw.value("path", "");
        start_none = start_entry->model_id.empty();
        for (const auto& r : (*blob)["requests"])
          slot.requests.push_back(SwapRequest{r.value("after", int64_t{0}), r.value("model_id", ""),
                                              r.value("path", ""), r.value("reason", "")});
      }
      if (blob && blob->contains("pause") && saved_pause_changes.empty())
        for (const auto& p : (*blob)["pause"]) saved_pause_changes.emplace_back(p[0].get<int64_t>(), p[1].get<bool>());
      if (blob) {
        slot.restored = true;
        HURACAN_RETURN_IF_ERROR(RestoreChallengerSets(slot, *blob));
      }
      if (!start_entry && !Selected(symbol)) continue;
      if (start_none) continue;
      LiveSymbolReport& rep = report.symbols[symbol];
      // The champion first: a symbol without a valid one is left out before its bars are read.
      auto model = start_entry
                       ? registry::LoadModel(*store, start_entry->path, start_entry->model_id, recipe, recipe.names())
                       : registry::LoadChampionModel(*store, symbol, recipe, recipe.names());
      if (!model.ok()) {
        rep.error = model.error().message;
        slot.status.error = rep.error;
        continue;
      }
      slot.model = std::make_unique<registry::LoadedModel>(std::move(*model));
      slot.start_id = slot.model->model_id;
      slot.start_path = start_entry ? start_entry->path : ModelPath(*slot.model);
      rep.model_id = slot.model->model_id;
      // Warm-up from history: the features see every bar of the history before the start, so they
      // are the same numbers a backtest's frame built on the whole file holds.
      HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, history.Bars(symbol, warm_before, o.warmup_bars));
      if (slot.use_ref && !ref_symbol.empty() && !ref_warm) {
        HURACAN_ASSIGN_OR_RETURN(ref_warm, history.Bars(ref_symbol, warm_before, o.warmup_bars));
      }
      HURACAN_ASSIGN_OR_RETURN(features::FeatureStream stream, features::FeatureStream::Create(recipe));
      WarmStream(stream, bars, slot.use_ref && ref_warm ? &*ref_warm : nullptr);
      rep.warmup_bars = static_cast<int64_t>(bars.size());
      std::fprintf(stderr, "live: %s model %s, warmed up on %zu bars\n", symbol.c_str(), rep.model_id.c_str(),
                   bars.size());
      HURACAN_RETURN_IF_ERROR(MakeDriver(slot, std::move(stream), slot.model->meta_state));
      slot.ever_traded = true;
    }
    for (Slot& s : slots) {
      if (o.max_challengers > 0) s.challenger_stamp = StampKey(registry::ChallengerSetKey(s.symbol));
      // A restart starts with the set the saved run started with; its changes are replayed.
      if (s.restored)
        ReplayChallengerSets(s, INT64_MIN);
      else
        ReadChallengers(s, INT64_MIN);
      HURACAN_RETURN_IF_ERROR(SyncChallengers(s, challenger_closed));
    }
    if (!o.decisions_out.empty()) {
      decisions.open(o.decisions_out, std::ios::binary | std::ios::trunc);
      if (!decisions) return InvalidArgument("--decisions-out: cannot write " + o.decisions_out);
    }
    return Status::Ok();
  }

  // The stamp of an archive object: stat of a local file, else the object's bytes (a GET; an
  // unreadable object counts as unchanged).
  FileStamp StampKey(const std::string& key, const FileStamp* before = nullptr) const {
    if (!root.empty()) return Stamp(root + "/" + key);
    auto bytes = store->Get(key);
    if (!bytes.ok()) {
      if (bytes.error().code == ErrorCode::kNotFound) return FileStamp{};
      std::fprintf(stderr, "live: %s/%s: %s\n", store->Describe().c_str(), key.c_str(), bytes.error().message.c_str());
      return before ? *before : FileStamp{};
    }
    return FileStamp{.exists = true, .bytes = std::move(*bytes)};
  }

  // Whether the archive is checked at this bar boundary: a local archive at every one, a remote
  // one when o.poll_seconds of wall time have passed since the last poll (0: at every one).
  bool PollDue() {
    if (!root.empty()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (last_poll && now - *last_poll < std::chrono::duration<double>(o.poll_seconds)) return false;
    last_poll = now;
    return true;
  }

  // The archive prefix of a loaded model ("models/SYMBOL/TS/"), from its location.
  std::string ModelPath(const registry::LoadedModel& m) const {
    const std::string prefix = store->Describe() + "/";
    return m.where.starts_with(prefix) ? m.where.substr(prefix.size()) : m.where;
  }

  bool Selected(const std::string& symbol) const { return !selection || selection->contains(symbol); }

  // Reads symbols_selector.json (any archive): the traded set becomes its symbols
  // and allow list, minus its block list, among the candidates. Missing: every candidate.
  Status ReadSelector(bool at_start) {
    const std::string path = root.empty() ? store->Describe() + "/" + kSelectorKey : root + "/" + kSelectorKey;
    selector_stamp = StampKey(kSelectorKey, &selector_stamp);
    if (!selector_stamp.exists) {
      selection.reset();
      return Status::Ok();
    }
    auto sel = root.empty() ? ParseSymbolSelector(selector_stamp.bytes, path) : ReadSymbolSelector(path);
    if (!sel.ok()) {
      if (at_start) return sel.error();
      std::fprintf(stderr, "live: %s: %s; the selection is unchanged\n", path.c_str(), sel.error().message.c_str());
      return Status::Ok();
    }
    std::set<std::string> s(sel->symbols.begin(), sel->symbols.end());
    s.insert(sel->allow.begin(), sel->allow.end());
    for (const auto& b : sel->block) s.erase(b);
    selection = std::move(s);
    return Status::Ok();
  }

  Status MakeDriver(Slot& slot, features::FeatureStream stream, const std::string& meta_state) {
    execution::SymbolDriverConfig dc;
    dc.pipeline.symbol = slot.symbol;
    dc.pipeline.timeframe = o.timeframe;
    dc.pipeline.costs = o.costs ? o.costs->ForSymbol(slot.symbol) : slot.model->costs;
    dc.pipeline.regime = slot.model->regime;
    dc.pipeline.meta_state = meta_state;
    dc.record_decisions = !o.decisions_out.empty();
    slot.notional = dc.pipeline.costs.notional;
    auto source = std::make_unique<TapFeatureSource>(std::move(stream), slot.tap);
    slot.stream = &source->stream_source();
    HURACAN_ASSIGN_OR_RETURN_CTX(
        slot.driver,
        execution::SymbolDriver::Create(dc, std::move(source), slot.model->ptrs(), portfolio ? &*portfolio : nullptr),
        slot.symbol);
    slot.status.model_id = slot.model->model_id;
    slot.status.error.clear();
    return Status::Ok();
  }

  // ----- challengers

  // Reads the symbol's challenger set at the boundary after `after_ms` (INT64_MIN: the start); an
  // unreadable one leaves the current set as it is. A change (or a retry of bundles that did not
  // load) is recorded for the restart state.
  void ReadChallengers(Slot& s, int64_t after_ms) {
    if (o.max_challengers == 0) return;
    auto set = registry::ReadChallengerSet(*store, s.symbol);
    if (!set.ok()) {
      std::fprintf(stderr, "live: %s: %s; the challengers are unchanged\n", s.symbol.c_str(),
                   set.error().message.c_str());
      return;
    }
    std::vector<registry::ChallengerEntry> entries =
        *set ? (*set)->challengers : std::vector<registry::ChallengerEntry>{};
    if (entries != s.wanted_challengers || !s.challenger_errors.empty())
      s.challenger_sets.emplace_back(after_ms, entries);
    s.wanted_challengers = std::move(entries);
    s.challenger_errors.clear();
  }

  // A restart's catch-up: the set changes the saved run recorded at the boundary after `after_ms`.
  static void ReplayChallengerSets(Slot& s, int64_t after_ms) {
    for (const auto& [at, entries] : s.challenger_sets)
      if (at == after_ms) {
        s.wanted_challengers = entries;
        s.challenger_errors.clear();
      }
  }

  // The saved run's challenger set changes, from a symbol's blob.
  Status RestoreChallengerSets(Slot& s, const nlohmann::json& blob) const {
    if (!blob.contains("challenger_sets")) return Status::Ok();
    const std::string where = state_store->path() + ": " + s.symbol + ": challenger_sets";
    const auto& sets = blob["challenger_sets"];
    if (!sets.is_array()) return DataLoss(where + " is not a list");
    for (const auto& change : sets) {
      if (!change.is_object() || !change.contains("after") || !change["after"].is_number_integer() ||
          !change.contains("challengers") || !change["challengers"].is_array())
        return DataLoss(where + ": an entry is not {after, challengers}");
      std::vector<registry::ChallengerEntry> entries;
      for (const auto& e : change["challengers"]) {
        HURACAN_ASSIGN_OR_RETURN(registry::ChallengerEntry entry, registry::ChallengerEntry::FromJson(e, where));
        entries.push_back(std::move(entry));
      }
      s.challenger_sets.emplace_back(change["after"].get<int64_t>(), std::move(entries));
    }
    return Status::Ok();
  }

  TradeRecord ChallengerRecord(const execution::Trade& t, const ChallengerRun& c) const {
    TradeRecord r = ToRecord(t, c.entry.model_id, c.notional);
    r.challenger = true;
    return r;
  }

  // Runs the symbol's challengers as its set says, from the next bar: at most
  // max_challengers (the most recent first), never the champion, none without a champion. One
  // that leaves closes its virtual position at the last close (`closed`), as at a replay's end.
  Status SyncChallengers(Slot& s, std::vector<TradeRecord>& closed) {
    std::vector<const registry::ChallengerEntry*> want;
    if (s.driver)
      for (const auto& e : s.wanted_challengers)
        if (want.size() < o.max_challengers && e.model_id != s.model_id()) want.push_back(&e);
    auto wanted = [&](const ChallengerRun& c) {
      return std::any_of(want.begin(), want.end(), [&](const auto* e) { return *e == c.entry; });
    };
    for (auto it = s.challengers.begin(); it != s.challengers.end();) {
      if (wanted(*it)) {
        ++it;
        continue;
      }
      it->driver->executor().EndOfData();
      for (const auto& t : it->driver->executor().TakeTrades()) closed.push_back(ChallengerRecord(t, *it));
      std::fprintf(stderr, "live: %s: challenger %s stopped\n", s.symbol.c_str(), it->entry.model_id.c_str());
      it = s.challengers.erase(it);
    }
    for (const auto* e : want) {
      if (s.challenger_errors.contains(e->model_id)) continue;
      if (std::any_of(s.challengers.begin(), s.challengers.end(), [&](const auto& c) { return c.entry == *e; }))
        continue;
      auto model = registry::LoadModel(*store, e->path, e->model_id, recipe, recipe.names());
      if (!model.ok()) {
        s.challenger_errors[e->model_id] = model.error().message;
        std::fprintf(stderr, "live: %s: challenger %s not run: %s\n", s.symbol.c_str(), e->model_id.c_str(),
                     model.error().message.c_str());
        continue;
      }
      ChallengerRun c;
      c.entry = *e;
      c.model = std::make_unique<registry::LoadedModel>(std::move(*model));
      execution::SymbolDriverConfig dc;
      dc.pipeline.symbol = s.symbol;
      dc.pipeline.timeframe = o.timeframe;
      dc.pipeline.costs = o.costs ? o.costs->ForSymbol(s.symbol) : c.model->costs;
      dc.pipeline.regime = c.model->regime;
      dc.pipeline.meta_state = c.model->meta_state;
      c.notional = dc.pipeline.costs.notional;
      // Its own guardrails (null: the pipeline's): never the paper portfolio's.
      HURACAN_ASSIGN_OR_RETURN_CTX(
          c.driver,
          execution::SymbolDriver::Create(dc, std::make_unique<MirrorFeatureSource>(s.tap, recipe.names()),
                                          c.model->ptrs(), nullptr),
          s.symbol + " challenger " + e->model_id);
      std::fprintf(stderr, "live: %s: challenger %s shadow-traded beside %s\n", s.symbol.c_str(), e->model_id.c_str(),
                   s.model_id().c_str());
      s.challengers.push_back(std::move(c));
    }
    // The set's order (most recent first).
    std::stable_sort(s.challengers.begin(), s.challengers.end(), [&](const auto& a, const auto& b) {
      auto pos = [&](const ChallengerRun& c) {
        return std::find_if(want.begin(), want.end(), [&](const auto* e) { return *e == c.entry; }) - want.begin();
      };
      return pos(a) < pos(b);
    });
    return Status::Ok();
  }

  // The challengers' step on the bar the champion just stepped (its features are in the tap).
  void StepChallengers(Slot& s, const Bar& bar, const Bar* ref, std::vector<TradeRecord>& closed) {
    if (s.challengers.empty()) return;
    const auto start = std::chrono::steady_clock::now();
    for (ChallengerRun& c : s.challengers) {
      if (!c.failed.empty()) continue;
      if (c.since_ms == INT64_MIN) c.since_ms = bar.ts_ms;
      c.driver->executor().set_entries_blocked(paused);
      auto step = c.driver->Step(bar, ref);
      if (!step.ok()) {
        c.failed = step.error().message;
        std::fprintf(stderr, "live: %s: challenger %s stopped: %s\n", s.symbol.c_str(), c.entry.model_id.c_str(),
                     c.failed.c_str());
        continue;
      }
      ++report.challenger_steps;
      for (const auto& t : c.driver->executor().TakeTrades()) closed.push_back(ChallengerRecord(t, c));
    }
    report.challenger_step_us +=
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }

  // Logs the challengers' closed trades (shadow_trades only: not in the day files, the report's
  // trades_logged or the paper book).
  Status LogChallengerTrades(std::vector<TradeRecord>& closed) {
    if (closed.empty()) return Status::Ok();
    for (const TradeRecord& r : closed) {
      Slot& s = slots[slot_of[r.symbol]];
      for (ChallengerRun& c : s.challengers)
        if (c.entry.model_id == r.model_id) c.bps.push_back(NetBps(r));
    }
    HURACAN_ASSIGN_OR_RETURN(int64_t added, InsertTrades(*db, TradeBook::kShadow, closed));
    report.challenger_trades += added;
    closed.clear();
    return Status::Ok();
  }

  std::vector<ChallengerStatus> ChallengerStatuses(const Slot& s) const {
    std::vector<ChallengerStatus> out;
    for (const ChallengerRun& c : s.challengers) {
      ChallengerStatus cs;
      cs.model_id = c.entry.model_id;
      cs.since_ms = c.since_ms;
      cs.error = c.failed;
      cs.has_position = !c.driver->executor().flat();
      registry::LiveEvidence ev;
      ev.challenger_bps = c.bps;
      for (const auto& [at, bps] : s.champion_bps)
        if (at >= c.since_ms) ev.champion_bps.push_back(bps);
      const registry::LiveEvidenceVerdict v = registry::DecideLiveEvidence(ev, o.promotion);
      cs.trades = v.challenger_trades;
      cs.net_bps = v.challenger_net_bps;
      cs.champion_trades = v.champion_trades;
      cs.champion_net_bps = v.champion_net_bps;
      cs.diff_lower_bps = v.diff_lower_bps;
      cs.gates_on = v.enabled;
      cs.evidence_ok = v.enabled && v.pass;
      cs.trades_needed = v.trades_needed;
      cs.bps_short = v.bps_short;
      out.push_back(std::move(cs));
    }
    for (const auto& [id, error] : s.challenger_errors) {
      ChallengerStatus cs;
      cs.model_id = id;
      cs.error = error;
      out.push_back(std::move(cs));
    }
    return out;
  }

  // `count` bars of `symbol` before the next bar: the ring, topped up from the history provider.
  Result<data::BarSeries> RecentBars(const std::string& symbol, int64_t next_ms, size_t count) {
    static const BarRing kNone;
    const auto it = rings.find(symbol);
    const BarRing& ring = it == rings.end() ? kNone : it->second;
    data::BarSeries out;
    if (ring.size() < count) {
      const int64_t before = ring.empty() ? next_ms : ring.front().ts_ms;
      HURACAN_ASSIGN_OR_RETURN(out, history.Bars(symbol, before, count - ring.size()));
    }
    for (size_t i = 0; i < ring.size(); ++i) out.push_back(ring[i]);
    out.symbol = symbol;
    return out;
  }

  // ----- hot swap

  // Warms `stream` (a new recipe's) on the history provider's bars of `slot` before `next_ms`:
  // every bar it has for a replay (as a start at `next_ms` warms), the warm-up of the longer recipe
  // for a feed. Returns the number of bars.
  Result<int64_t> RewarmFromHistory(const Slot& slot, int64_t next_ms, const features::FeatureRecipe& next_recipe,
                                    features::FeatureStream& stream) {
    const size_t count = o.warmup_bars == 0 ? 0 : std::max(o.warmup_bars, FeedWarmupBars(next_recipe));
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, history.Bars(slot.symbol, next_ms, count));
    std::optional<data::BarSeries> ref;
    if (slot.use_ref && !ref_symbol.empty()) {
      HURACAN_ASSIGN_OR_RETURN(ref, history.Bars(ref_symbol, next_ms, count));
    }
    WarmStream(stream, bars, ref ? &*ref : nullptr);
    return static_cast<int64_t>(bars.size());
  }

  // Asks `slot` to run `model_id` ("" = stop trading) from the boundary after bar `after_ms`.
  void Request(Slot& slot, int64_t after_ms, const std::string& model_id, const std::string& path,
               const std::string& reason) {
    slot.requests.push_back(SwapRequest{after_ms, model_id, path, reason});
    slot.want_id = model_id;
    slot.want_path = path;
    slot.want_reason = reason;
    slot.pending = model_id != slot.model_id();
    if (slot.pending && slot.driver)
      std::fprintf(stderr, "live: %s: %s %s asked for; %s runs until its position closes\n", slot.symbol.c_str(),
                   reason.c_str(), model_id.empty() ? "(none)" : model_id.c_str(), slot.model_id().c_str());
  }

  // The champion pointers, the selector and the challenger sets: reread on a change (`force`: all).
  void CheckFiles(int64_t after_ms, bool force) {
    const FileStamp sel = StampKey(kSelectorKey, &selector_stamp);
    const bool selection_changed = force || !(sel == selector_stamp);
    if (selection_changed) (void)ReadSelector(false);
    for (size_t k = 0; k < slots.size(); ++k) {
      Slot& s = slots[k];
      const FileStamp st = StampKey(registry::ChampionPointerKey(s.symbol), &pointer_stamps[k]);
      const bool pointer_changed = force || !(st == pointer_stamps[k]);
      pointer_stamps[k] = st;
      const std::string& current = s.pending ? s.want_id : s.model_id();
      if (!Selected(s.symbol)) {
        if (!current.empty()) Request(s, after_ms, "", "", "deselected");
        continue;
      }
      if (!pointer_changed && !(selection_changed && current.empty())) continue;
      auto ptr = registry::ReadChampionPointer(*store, s.symbol);
      if (!ptr.ok() || !*ptr) continue;  // no champion (or unreadable): nothing to change to
      const registry::ChampionEntry& e = (*ptr)->current;
      if (e.model_id != current) Request(s, after_ms, e.model_id, e.path, current.empty() ? "selected" : "champion");
    }
    for (Slot& s : slots) {
      if (o.max_challengers == 0) break;
      const FileStamp st = StampKey(registry::ChallengerSetKey(s.symbol), &s.challenger_stamp);
      if (!force && st == s.challenger_stamp) continue;
      s.challenger_stamp = st;
      ReadChallengers(s, after_ms);
    }
  }

  // Performs the asked-for changes of flat symbols; the first bar of the new model is `next_ms`.
  Status ApplySwaps(int64_t next_ms) {
    for (Slot& s : slots) {
      if (!s.pending || (s.driver && !s.driver->executor().flat())) continue;
      s.pending = false;
      const std::string old_id = s.model_id();
      if (s.want_id.empty()) {
        s.driver.reset();
        s.model.reset();
        s.stream = nullptr;
        s.status.model_id.clear();
      } else {
        // The bundle is bound with the recipe it was trained with, which may not be the running one.
        auto model = registry::LoadModelWithItsRecipe(*store, s.want_path, s.want_id);
        if (!model.ok()) {
          const std::string text = s.symbol + ": cannot swap to " + s.want_id + ": " + model.error().message;
          std::fprintf(stderr, "live: %s\n", text.c_str());
          Alert(AlertKind::kChampionSwap, next_ms, s.symbol, text);
          s.pending = false;
          continue;
        }
        auto next = std::make_unique<registry::LoadedModel>(std::move(model->model));
        const features::FeatureRecipe& next_recipe = model->recipe;
        HURACAN_ASSIGN_OR_RETURN(features::FeatureStream stream, features::FeatureStream::Create(next_recipe));
        std::string meta = next->meta_state;
        if (s.stream && s.stream->stream().recipe().hash() == next_recipe.hash()) {
          // The same recipe: the features carry over as they are.
          HURACAN_RETURN_IF_ERROR_CTX(stream.LoadState(s.stream->stream().SaveState()), s.symbol);
          if (EngineIds(*next) == EngineIds(*s.model)) meta = s.driver->pipeline().meta().Save();
        } else if (s.stream) {
          // A recipe change: the new recipe's features are warmed from history up to this bar, as a
          // fresh start there would (nothing carries over; the meta state is the bundle's own).
          HURACAN_ASSIGN_OR_RETURN(int64_t warmed, RewarmFromHistory(s, next_ms, next_recipe, stream));
          report.symbols[s.symbol].warmup_bars = warmed;
          std::fprintf(stderr, "live: %s: recipe %s -> %s, re-warmed on %lld bars\n", s.symbol.c_str(),
                       s.stream->stream().recipe().hash().substr(0, 12).c_str(),
                       next_recipe.hash().substr(0, 12).c_str(), static_cast<long long>(warmed));
          s.want_reason = "recipe";
        } else {
          // A newly traded symbol: warmed on its recent bars (ring, then history).
          HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, RecentBars(s.symbol, next_ms, o.ring_bars));
          std::optional<data::BarSeries> ref;
          if (s.use_ref && !ref_symbol.empty()) {
            HURACAN_ASSIGN_OR_RETURN(ref, RecentBars(ref_symbol, next_ms, o.ring_bars + 1));
          }
          WarmStream(stream, bars, ref ? &*ref : nullptr);
          report.symbols[s.symbol].warmup_bars = static_cast<int64_t>(bars.size());
        }
        s.driver.reset();
        s.model = std::move(next);
        HURACAN_RETURN_IF_ERROR(MakeDriver(s, std::move(stream), meta));
        s.failed.clear();
        s.ever_traded = true;
        report.symbols[s.symbol].model_id = s.model->model_id;
        report.symbols[s.symbol].error.clear();
      }
      const std::string new_id = s.model_id();
      report.swaps.push_back(SwapRecord{next_ms, s.symbol, old_id, new_id, s.want_reason});
      recent_swaps.push_back(ModelSwap{next_ms, s.symbol, old_id, new_id, s.want_reason});
      if (recent_swaps.size() > kStatusSwapsKept) recent_swaps.erase(recent_swaps.begin());
      const std::string text =
          fmt::format("{}: model {} -> {} from {} ({})", s.symbol, old_id.empty() ? "none" : old_id,
                      new_id.empty() ? "none" : new_id, data::FormatIsoUtc(next_ms), s.want_reason);
      std::fprintf(stderr, "live: swap %s\n", text.c_str());
      Alert(AlertKind::kChampionSwap, next_ms, s.symbol, text);
    }
    // The challengers follow their sets and the champions (none without one, never the champion).
    for (Slot& s : slots) HURACAN_RETURN_IF_ERROR(SyncChallengers(s, challenger_closed));
    return LogChallengerTrades(challenger_closed);
  }
  std::vector<TradeRecord> challenger_closed;  // challengers' trades not logged yet

  // ----- status

  void Publish(int64_t bar_ms) {
    if (!o.status) return;
    auto st = std::make_shared<LiveStatus>();
    st->mode = paper ? "paper" : "shadow";
    st->as_of_ms = clock.NowMs();
    st->started_ms = started_ms;
    st->paused = paused;
    double pnl_today = 0;
    for (const Slot& s : slots) {
      if (!s.ever_traded && s.status.error.empty() && !s.driver) continue;
      SymbolStatus ss = s.status;
      ss.model_id = s.model_id();
      if (s.driver) {
        st->traded.push_back(s.symbol);
        const auto p = s.driver->executor().open_position();
        ss.has_position = p.dir != 0;
        if (ss.has_position) {
          ss.position.side = p.dir > 0 ? "long" : "short";
          ss.position.entry_ts_ms = p.entry_ts_ms;
          ss.position.entry = p.entry_price;
          ss.position.size = s.notional;
          ss.position.unrealised_pnl =
              p.entry_price > 0 ? p.dir * (p.mark - p.entry_price) / p.entry_price * s.notional : 0;
        }
      }
      ss.challengers = ChallengerStatuses(s);
      pnl_today += ss.realised_pnl_today;
      st->bars_processed += ss.bars;
      st->decisions += ss.decisions;
      st->trades += ss.trades;
      st->symbols[s.symbol] = std::move(ss);
    }
    st->feed = feed;
    st->feed.lag_seconds = static_cast<double>(st->as_of_ms - (bar_ms + tf_ms)) / 1000.0;
    st->pnl_today = pnl_today;
    st->nav = paper ? paper_nav : 0;
    st->latency = histogram;
    st->swaps = recent_swaps;
    st->promotion_live_min_trades = o.promotion.live_min_trades;
    st->promotion_live_net_bps_band = o.promotion.live_net_bps_band;
    if (paper) {
      // A point when the NAV moves (a trade closed), and the first one.
      if (nav_points.empty() || nav_points.back().nav != paper_nav) {
        nav_points.push_back(NavPoint{bar_ms + tf_ms, paper_nav});
        if (nav_points.size() > kStatusNavPointsKept) nav_points.erase(nav_points.begin());
      }
      st->equity_curve = nav_points;
    }
    o.status->Publish(std::move(st));
  }
  double paper_nav = 0;
  std::vector<NavPoint> nav_points;  // paper NAV when it moved, oldest first (bounded)

  void NoteDecision(Slot& s, const decision::Decision& d, int64_t day) {
    ++s.status.decisions;
    if (d.signal != Direction::kWait && d.direction == Direction::kWait) ++s.status.rejections[d.reason];
    const bool loss_stop =
        d.reason == costs::reason::kSymbolDailyLoss || d.reason == costs::reason::kPortfolioDailyLoss;
    if (loss_stop && s.loss_alert_day != day) {
      s.loss_alert_day = day;
      Alert(AlertKind::kDailyLossStop, d.ts_ms, s.symbol,
            fmt::format("{}: daily-loss stop ({}) at {}", s.symbol, d.reason, data::FormatIsoUtc(d.ts_ms)));
    }
  }

  // ----- the feed

  bool feed_down = false;
  int64_t guard_duplicates = 0, guard_out_of_order = 0;  // counted by the BarGuard

  // The source's next event. Unavailable is transient: retried with backoff on the clock, the
  // loop kept alive, kFeedDown raised once and kFeedBack when an event comes again. Other errors
  // (InvalidArgument: a bad symbol, a bad answer) end the run.
  Result<std::optional<BarEvent>> NextEvent(BarSource& source) {
    int64_t wait = o.feed_retry_base_ms;
    for (;;) {
      auto ev = source.Next();
      if (ev.ok() || ev.error().code != ErrorCode::kUnavailable) {
        if (ev.ok() && feed_down) {
          feed_down = false;
          std::fprintf(stderr, "live: feed back\n");
          Alert(AlertKind::kFeedBack, clock.NowMs(), "", "feed back");
        }
        return ev;
      }
      if (!feed_down) {
        feed_down = true;
        Alert(AlertKind::kFeedDown, clock.NowMs(), "", "feed down: " + ev.error().message);
      }
      std::fprintf(stderr, "live: feed down (%s); retrying in %lld ms\n", ev.error().message.c_str(),
                   static_cast<long long>(wait));
      UpdateFeed(source);
      feed.connected = false;
      clock.SleepMs(wait);
      wait = std::min(2 * wait, o.feed_retry_max_ms);
    }
  }

  // The feed's status: the source's own (an exchange feed) or the runner's counts (a replay), with
  // what the BarGuard refused.
  void UpdateFeed(const BarSource& source) {
    const int64_t last_bar = feed.last_bar_ms, last_event = feed.last_event_ms;
    if (auto fs = source.feed_status()) {
      feed = *fs;
      feed.last_bar_ms = last_bar;
      feed.last_event_ms = last_event;
    } else {
      feed.kind = o.feed_kind;
      feed.duplicates = feed.out_of_order = 0;
    }
    feed.duplicates += guard_duplicates;
    feed.out_of_order += guard_out_of_order;
  }

  Result<LiveReport> Run(BarSource& source);
};

Result<LiveReport> LiveRunner::Impl::Run(BarSource& source) {
  BarGuard guard(BarGuardOptions{.timeframe_ms = tf_ms});
  PaperBook paper_book;
  paper_book.capital = portfolio ? portfolio->config().capital : 0;
  paper_book.nav = paper_book.peak = paper_book.capital;
  paper_nav = paper_book.nav;
  std::set<std::string> degraded_alerted;
  int64_t pnl_day = INT64_MIN;

  // The event loop: one bar time at a time (every symbol's bar of that minute), then the trades
  // are logged and the state saved. Bar times up to resume_after are the catch-up of a restart:
  // they re-derive the pipelines' state; their trades were logged already (inserts are
  // idempotent, so logging them again writes nothing).
  std::optional<BarEvent> pending;
  HURACAN_ASSIGN_OR_RETURN(pending, NextEvent(source));
  const auto t0 = std::chrono::steady_clock::now();
  // Progress on stderr every 10 s of wall time (the JSON report on stdout comes at the end).
  auto last_progress = t0;
  size_t traded = 0;
  for (const Slot& s : slots) traded += s.driver ? 1 : 0;
  std::fprintf(stderr, "live: %s mode, %zu symbols traded, %s %s\n", paper ? "paper" : "shadow", traded,
               o.replay_dir.empty() ? "on the feed" : "replaying",
               o.replay_dir.empty() ? o.feed_kind.c_str() : o.replay_dir.c_str());
  // Not a restart: the pause flag as it is now. A restart follows the saved changes in its catch-up.
  size_t pause_i = 0;
  catching_up = resume_after != INT64_MIN;
  if (catching_up) {
    while (pause_i < saved_pause_changes.size() && saved_pause_changes[pause_i].first == INT64_MIN)
      paused = saved_pause_changes[pause_i++].second;
    pause_changes.assign(saved_pause_changes.begin(), saved_pause_changes.begin() + pause_i);
  } else {
    auto p = store->Exists(kPauseKey);
    paused = p.ok() && *p;
    if (paused) pause_changes.emplace_back(INT64_MIN, true);
  }
  std::vector<BarEvent> group;
  bool resume_checked = resume_after == INT64_MIN;  // a restart checks its state at the saved bar time
  while (pending) {
    const int64_t ts = pending->bar.ts_ms;
    group.clear();
    while (pending && pending->bar.ts_ms == ts) {
      group.push_back(std::move(*pending));
      HURACAN_ASSIGN_OR_RETURN(pending, NextEvent(source));
    }
    feed.last_bar_ms = ts;
    feed.last_event_ms = clock.NowMs();
    const bool catch_up = ts <= resume_after;
    // Paper mode: a new UTC day closes the previous one's daily_equity row.
    if (paper && UtcDay(ts) != paper_book.day) {
      if (paper_book.day != INT64_MIN) HURACAN_RETURN_IF_ERROR(UpsertDailyEquity(*db, paper_book.Row()));
      paper_book.day = UtcDay(ts);
      paper_book.day_notional = paper_book.day_fees = 0;
    }
    if (UtcDay(ts) != pnl_day) {
      pnl_day = UtcDay(ts);
      for (Slot& s : slots) s.status.realised_pnl_today = 0;
    }
    const Bar* ref_bar = nullptr;
    for (const auto& ev : group)
      if (ev.symbol == ref_symbol) ref_bar = &ev.bar;
    std::vector<TradeRecord> closed;
    for (const auto& ev : group) {
      auto it = slot_of.find(ev.symbol);
      if (it == slot_of.end() && ev.symbol != ref_symbol) continue;
      rings.try_emplace(ev.symbol, o.ring_bars).first->second.push_back(ev.bar);
      if (it == slot_of.end()) continue;
      Slot& s = slots[it->second];
      if (!s.driver) continue;
      const BarCheck check = guard.Check(ev.symbol, ev.bar);
      if (!check.accepted() && check.verdict == BarVerdict::kDuplicate) ++guard_duplicates;
      if (check.verdict == BarVerdict::kOutOfOrder) ++guard_out_of_order;
      // Errors stay with the symbol: a refused bar degrades it, a pipeline error stops it.
      if (!check.accepted() || guard.degraded(ev.symbol) || !s.failed.empty()) {
        if (guard.degraded(ev.symbol) && degraded_alerted.insert(ev.symbol).second) {
          s.status.degraded = guard.Health(ev.symbol)->reason;
          Alert(AlertKind::kDegraded, ts, s.symbol, s.symbol + ": degraded: " + s.status.degraded);
        }
        continue;
      }
      s.driver->executor().set_entries_blocked(paused || s.pending);
      const auto step_start = std::chrono::steady_clock::now();
      auto step = s.driver->Step(ev.bar, s.use_ref ? ref_bar : nullptr);
      const double us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - step_start).count();
      quantiles.Add(us);
      histogram.Add(us);
      if (!step.ok()) {
        s.failed = step.error().message;
        s.status.degraded = "pipeline: " + s.failed;
        if (degraded_alerted.insert(ev.symbol).second)
          Alert(AlertKind::kDegraded, ts, s.symbol, s.symbol + ": degraded: " + s.status.degraded);
        continue;
      }
      s.last_ts = ev.bar.ts_ms;
      s.status.last_bar_ms = ev.bar.ts_ms;
      ++s.status.bars;
      ++report.symbols[s.symbol].bars;
      if (decisions.is_open()) {
        for (const auto& d : s.driver->TakeDecisions()) {
          decisions << d.Serialize() << '\n';
          NoteDecision(s, d, pnl_day);
        }
      } else {
        NoteDecision(s, s.driver->last_decision(), pnl_day);
      }
      for (const auto& t : s.driver->executor().TakeTrades())
        closed.push_back(ToRecord(t, s.model->model_id, s.notional));
      StepChallengers(s, ev.bar, s.use_ref ? ref_bar : nullptr, challenger_closed);
    }
    // The end of the replay: open positions close at the last close, as at a backtest's end.
    if (!pending) {
      for (Slot& s : slots) {
        if (!s.driver) continue;
        s.driver->executor().EndOfData();
        for (const auto& t : s.driver->executor().TakeTrades())
          closed.push_back(ToRecord(t, s.model->model_id, s.notional));
        for (ChallengerRun& c : s.challengers) {
          c.driver->executor().EndOfData();
          for (const auto& t : c.driver->executor().TakeTrades()) challenger_closed.push_back(ChallengerRecord(t, c));
        }
      }
    }
    for (const auto& r : closed) {
      ++report.symbols[r.symbol].trades;
      Slot& s = slots[slot_of[r.symbol]];
      ++s.status.trades;
      s.status.realised_pnl_today += r.net_pnl;
      s.status.realised_pnl_total += r.net_pnl;
      s.champion_bps.emplace_back(r.time_ms, NetBps(r));
      if (paper) paper_book.Add(r);
    }
    paper_nav = paper_book.nav;
    if (!closed.empty()) {
      HURACAN_ASSIGN_OR_RETURN(int64_t added, InsertTrades(*db, book, closed));
      report.trades_logged += added;
      HURACAN_RETURN_IF_ERROR(AppendTradesToDayFiles(*store, book, closed));
    }
    HURACAN_RETURN_IF_ERROR(LogChallengerTrades(challenger_closed));
    if (paper && !pending) HURACAN_RETURN_IF_ERROR(UpsertDailyEquity(*db, paper_book.Row()));
    if (paused && !catch_up) ++report.paused_bar_times;

    // The bar boundary: the pause flag, champion pointers and the selector are checked here; what
    // they change applies from the next bar. A restart's catch-up replays the recorded changes.
    if (catch_up) {
      while (pause_i < saved_pause_changes.size() && saved_pause_changes[pause_i].first == ts)
        paused = saved_pause_changes[pause_i++].second;
      pause_changes.assign(saved_pause_changes.begin(), saved_pause_changes.begin() + pause_i);
      for (Slot& s : slots) {
        for (const SwapRequest& r : s.requests)
          if (r.after_ms == ts) {
            s.want_id = r.model_id, s.want_path = r.path, s.want_reason = r.reason;
            s.pending = r.model_id != s.model_id();
          }
        ReplayChallengerSets(s, ts);
      }
    } else if (PollDue()) {
      auto p = store->Exists(kPauseKey);
      const bool now_paused = p.ok() && *p;
      if (now_paused != paused) {
        paused = now_paused;
        pause_changes.emplace_back(ts, paused);
        std::fprintf(stderr, "live: %s after %s\n", paused ? "paused" : "resumed", data::FormatIsoUtc(ts).c_str());
      }
      CheckFiles(ts, /*force=*/false);
    }
    HURACAN_RETURN_IF_ERROR(ApplySwaps(ts + tf_ms));

    if (catch_up) {
      ++report.caught_up;
      if (ts == resume_after) {
        // The state is checked before this boundary's own file checks.
        HURACAN_RETURN_IF_ERROR(CheckCaughtUp());
        resume_checked = true;
        catching_up = false;
        // Every pointer is read once: it may have changed while the runner was down.
        CheckFiles(ts, /*force=*/true);
        HURACAN_RETURN_IF_ERROR(ApplySwaps(ts + tf_ms));
      }
      continue;
    }
    if (!resume_checked) return NoResumePoint(state_store->path(), resume_after);
    ++report.bar_times;
    UpdateFeed(source);
    Publish(ts);
    if (const auto now = std::chrono::steady_clock::now(); now - last_progress >= std::chrono::seconds(10)) {
      last_progress = now;
      std::fprintf(stderr, "live: at %s, %lld bar times, %lld trades logged\n", data::FormatIsoUtc(ts).c_str(),
                   static_cast<long long>(report.bar_times), static_cast<long long>(report.trades_logged));
    }
    // Test hook: die like a kill -9 after the trades are logged and before the state is saved.
    if (o.crash_at_bar > 0 && report.bar_times == o.crash_at_bar) std::raise(SIGKILL);
    if (state_store) {
      LiveState st;
      st.feed_position = std::to_string(ts);
      st.saved_at_ms = clock.NowMs();
      if (o.replay_dir.empty()) st.first_bar_ms = o.replay.from_ms.value_or(0);
      for (const Slot& s : slots)
        if (Persisted(s)) st.symbols[s.symbol] = SlotState(s);
      HURACAN_RETURN_IF_ERROR(state_store->Save(st));
    }
  }
  if (!resume_checked) return NoResumePoint(state_store->path(), resume_after);
  catching_up = false;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report.latency_p50_us = quantiles.Quantile(0.50);
  report.latency_p99_us = quantiles.Quantile(0.99);
  if (report.challenger_steps > 0)
    std::fprintf(stderr, "live: challengers: %lld bars stepped, %.2f us per challenger per bar, %lld trades logged\n",
                 static_cast<long long>(report.challenger_steps),
                 report.challenger_step_us / static_cast<double>(report.challenger_steps),
                 static_cast<long long>(report.challenger_trades));
  for (const Slot& s : slots)
    if (!s.failed.empty()) report.symbols[s.symbol].degraded = "pipeline: " + s.failed;
  for (const std::string& sym : guard.DegradedSymbols()) report.symbols[sym].degraded = guard.Health(sym)->reason;
  return std::move(report);
}

LiveRunner::LiveRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LiveRunner::~LiveRunner() = default;

Result<std::unique_ptr<LiveRunner>> LiveRunner::Create(const LiveOptions& options, std::vector<std::string> candidates,
                                                       std::string ref_symbol, HistoryProvider& history,
                                                       const Clock& clock) {
  auto impl = std::make_unique<Impl>(options, clock, history);
  impl->candidates = std::move(candidates);
  impl->ref_symbol = std::move(ref_symbol);
  HURACAN_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<LiveRunner>(new LiveRunner(std::move(impl)));
}

Result<LiveReport> LiveRunner::Run(BarSource& source) { return impl_->Run(source); }

bool LiveRunner::Traded(const std::string& symbol) const {
  auto it = impl_->slot_of.find(symbol);
  return it != impl_->slot_of.end() && impl_->slots[it->second].driver != nullptr;
}

Result<LiveReport> RunLiveReplay(const LiveOptions& o, const Clock& clock) {
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<ReplayHistory> history, ReplayHistory::Open(o.replay_dir, o.timeframe));
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> selected,
                           data::SelectSymbols(history->entries(), o.symbols, o.timeframe));
  const std::string ref_symbol = ReferenceSymbol(history->entries());
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<LiveRunner> runner,
                           LiveRunner::Create(o, selected, ref_symbol, *history, clock));
  // Every selected symbol is replayed (a symbol selected later by symbols_selector.json has its
  // bars), and the reference with them.
  std::vector<data::BarSeries> replayed;
  for (const std::string& symbol : selected) {
    auto bars = history->Take(symbol);
    if (!bars.ok() && !runner->Traded(symbol)) {
      std::fprintf(stderr, "live: %s: not replayed: %s\n", symbol.c_str(), bars.error().message.c_str());
      continue;
    }
    if (!bars.ok()) return bars.error();
    replayed.push_back(std::move(*bars));
  }
  if (!ref_symbol.empty() && std::find(selected.begin(), selected.end(), ref_symbol) == selected.end()) {
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, history->Take(ref_symbol));
    replayed.push_back(std::move(bars));
  }
  // Bars come from the source; with --speed N they are released on the clock.
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<ReplaySource> source,
                           ReplaySource::FromSeries(std::move(replayed), o.replay, clock));
  return runner->Run(*source);
}

// ---------------------------------------------------------------------------------------------
// The Binance feed

size_t FeedWarmupBars(const features::FeatureRecipe& recipe) {
  double longest = 0;
  for (const features::FeatureSpec& spec : recipe.specs())
    for (const auto& [key, value] : spec.params)
      if (value == std::floor(value)) longest = std::max(longest, value);
  return std::max<size_t>(1440, static_cast<size_t>(10 * longest));
}

namespace {

// History from the exchange's REST klines (FetchHistory), each answer kept for the run: the
// `count` bars before `before_ms` (0: the options' warm-up count).
class RestHistory final : public HistoryProvider {
 public:
  RestHistory(std::string rest_url, std::string ca_file, size_t default_count, int64_t tf_ms)
      : rest_url_(std::move(rest_url)), ca_file_(std::move(ca_file)), default_count_(default_count), tf_ms_(tf_ms) {}
  Result<data::BarSeries> Bars(const std::string& symbol, int64_t before_ms, size_t count) override {
    const int64_t n = static_cast<int64_t>(count == 0 ? default_count_ : count);
    const auto key = std::make_tuple(symbol, before_ms, n);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    HURACAN_ASSIGN_OR_RETURN_CTX(data::BarSeries bars,
                                 FetchHistory(symbol, before_ms - n * tf_ms_, before_ms, rest_url_, ca_file_),
                                 "warm-up of " + symbol);
    return cache_.emplace(key, std::move(bars)).first->second;
  }

 private:
  std::string rest_url_;
  std::string ca_file_;  // as BinanceOptions::ca_file (empty: HURACAN_LIVE_CA_FILE, else none)
  size_t default_count_;
  int64_t tf_ms_;
  std::map<std::tuple<std::string, int64_t, int64_t>, data::BarSeries> cache_;
};

constexpr char kFeedReference[] = "BTCUSDT-PERP";

}  // namespace

Result<std::vector<std::string>> FeedSymbols(const std::string& archive, const std::string& spec_in) {
  const std::string spec = Trim(spec_in);
  std::vector<std::string> out;
  if (spec.empty() || spec == "all" || Lower(spec).starts_with("top")) {
    size_t n = SIZE_MAX;
    if (!spec.empty() && spec != "all") {
      const std::string_view digits = std::string_view(spec).substr(3);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || p != digits.data() + digits.size() || n == 0)
        return InvalidArgument("--symbols '" + spec + "': expected all, topN with N >= 1, or a comma list");
    }
    HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(archive));
    HURACAN_ASSIGN_OR_RETURN_CTX(out, registry::Archive(*store).ListChampionSymbols(), archive);
    if (out.size() > n) out.resize(n);
    if (out.empty()) return NotFound(archive + ": no champion to trade (--symbols " + spec + ")");
    return out;
  }
  for (const std::string& item : SplitCommaList(spec)) {
    HURACAN_ASSIGN_OR_RETURN_CTX(BinanceMarket m, ToBinanceMarket(item), "--symbols");
    std::string id = FromBinanceMarket(m);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

Result<LiveReport> RunLiveFeed(LiveOptions o, BinanceOptions binance, const Clock& clock) {
  o.feed_kind = "binance";
  o.replay_dir.clear();
  const int64_t tf_ms = data::TimeframeMs(o.timeframe);
  if (tf_ms != 60'000) return InvalidArgument("--feed binance: only the 1m timeframe is streamed");
  if (o.warmup_bars == 0) {
    HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(o.recipe));
    o.warmup_bars = FeedWarmupBars(recipe);
  }
  // The start: a restart's saved one (the catch-up comes from REST), else --from, else the minute
  // forming now (its kline is the first closed one).
  std::optional<int64_t> start = o.replay.from_ms;
  if (!o.state_dir.empty()) {
    HURACAN_ASSIGN_OR_RETURN(StateStore st, StateStore::Open(o.state_dir));
    HURACAN_ASSIGN_OR_RETURN(std::optional<LiveState> saved, st.Load());
    if (saved && saved->first_bar_ms != 0) {
      if (start && *start != saved->first_bar_ms)
        std::fprintf(stderr, "live: --from ignored: resuming the run saved in %s, started %s\n", st.path().c_str(),
                     data::FormatIsoUtc(saved->first_bar_ms).c_str());
      start = saved->first_bar_ms;
    }
  }
  if (!start) start = clock.NowMs() / tf_ms * tf_ms;
  o.replay.from_ms = *start;
  binance.from_ms = *start;
  binance.until_ms = o.replay.to_ms;

  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> selected, FeedSymbols(o.archive, o.symbols));
  std::vector<std::string> streamed = selected;
  if (std::find(streamed.begin(), streamed.end(), kFeedReference) == streamed.end()) streamed.push_back(kFeedReference);
  // The source first: a bad symbol or URL is refused before the warm-up (it connects on Next()).
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<BinanceSource> source, BinanceSource::Create(streamed, binance, clock));
  RestHistory history(binance.rest_url, binance.ca_file, o.warmup_bars, tf_ms);
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<LiveRunner> runner,
                           LiveRunner::Create(o, selected, kFeedReference, history, clock));
  return runner->Run(*source);
}

}  // namespace huracan::live
