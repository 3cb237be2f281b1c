#include "live/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/time_units.h"
#include "data/catalog.h"
#include "data/timestamps.h"
#include "decision/feature_source.h"
#include "execution/symbol_driver.h"
#include "features/builder.h"
#include "features/recipe.h"
#include "live/bar_guard.h"
#include "live/state_store.h"
#include "live/trade_log.h"
#include "registry/loader.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/object_store.h"

namespace huracan::live {
namespace {

// One traded symbol: its bundle and its driver.
struct Slot {
  std::string symbol;
  registry::LoadedModel model;
  std::unique_ptr<execution::SymbolDriver> driver;
  double notional = 0;
  bool use_ref = true;          // false for BTC itself, as backtest::LoadInputs
  int64_t last_ts = INT64_MIN;  // open time of the last bar stepped
  std::string failed;           // a pipeline error: the symbol is no longer stepped
};

// The reference (BTC) series of the folder, as backtest::LoadInputs picks it: BTC-USDT-PERP, then
// BTC-USDT, of the same timeframe.
std::string ReferenceSymbol(const std::vector<data::CatalogEntry>& entries) {
  for (const char* id : {"BTCUSDT-PERP", "BTCUSDT"})
    for (const auto& e : entries)
      if (e.symbol() == id) return id;
  return "";
}

const data::CatalogEntry* EntryOf(const std::vector<data::CatalogEntry>& entries, const std::string& symbol) {
  for (const auto& e : entries)
    if (e.symbol() == symbol) return &e;
  return nullptr;
}

// Rows of `bars` that open before `from_ms` (none without --from): the warm-up.
size_t RowsBefore(const data::BarSeries& bars, std::optional<int64_t> from_ms) {
  if (!from_ms) return 0;
  return data::FirstAtOrAfter(bars.ts_ms, *from_ms);
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

// A symbol's blob in the state file: its model, the last bar stepped, the executor's state (open
// position, pending orders) and the meta combiner's state.
std::string SlotState(const Slot& s) {
  nlohmann::ordered_json j;
  j["model_id"] = s.model.model_id;
  j["last_bar_ts"] = s.last_ts;
  j["executor"] = s.driver->executor().SaveState();
  j["meta"] = s.driver->pipeline().meta().Save();
  return j.dump();
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

// After a restart's catch-up, every symbol's re-derived state must be the saved one: the same
// model, the same last bar, the same open position and pending orders, the same meta weights.
Status CheckCaughtUp(const std::vector<Slot>& slots, const LiveState& saved, const std::string& file) {
  for (const Slot& s : slots) {
    auto it = saved.symbols.find(s.symbol);
    if (it == saved.symbols.end())
      return FailedPrecondition(file + ": " + s.symbol + " is traded now but has no saved state");
    if (it->second != SlotState(s))
      return FailedPrecondition(file + ": " + s.symbol +
                                ": the state re-derived from the replay differs from the saved state (another "
                                "champion, other data or other costs than the run that saved it)");
  }
  return Status::Ok();
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

Result<LiveReport> RunLiveReplay(const LiveOptions& o, const Clock& clock) {
  const bool paper = o.mode == LiveMode::kPaper;
  const TradeBook book = paper ? TradeBook::kLive : TradeBook::kShadow;
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(o.archive));
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenDatabase(o.db));
  HURACAN_RETURN_IF_ERROR_CTX(storage::Migrate(*db), o.db);
  HURACAN_ASSIGN_OR_RETURN(features::FeatureRecipe recipe, features::LoadRecipe(o.recipe));
  const int64_t tf_ms = data::TimeframeMs(o.timeframe);
  if (tf_ms <= 0) return InvalidArgument("timeframe '" + o.timeframe + "' is not known");

  // The restart state: where the last run stopped.
  std::optional<StateStore> state_store;
  std::optional<LiveState> saved;
  if (!o.state_dir.empty()) {
    HURACAN_ASSIGN_OR_RETURN(StateStore st, StateStore::Open(o.state_dir));
    HURACAN_ASSIGN_OR_RETURN(saved, st.Load());
    state_store.emplace(std::move(st));
  }
  int64_t resume_after = INT64_MIN;  // bar times <= this were processed by an earlier run
  if (saved && !saved->feed_position.empty()) {
    const std::string& fp = saved->feed_position;
    if (std::from_chars(fp.data(), fp.data() + fp.size(), resume_after).ec != std::errc())
      return DataLoss(state_store->path() + ": feed_position '" + fp + "' is not a bar time in ms");
  }

  // Symbols, their files and the reference series.
  HURACAN_ASSIGN_OR_RETURN_CTX(std::vector<data::CatalogEntry> entries, data::ScanDataDir(o.replay_dir, o.timeframe),
                               "--replay");
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> selected, data::SelectSymbols(entries, o.symbols, o.timeframe));
  const std::string ref_symbol = ReferenceSymbol(entries);
  std::optional<data::BarSeries> ref;
  if (!ref_symbol.empty()) {
    HURACAN_ASSIGN_OR_RETURN(ref, data::LoadBars(EntryOf(entries, ref_symbol)->path));
  }

  LiveReport report;
  std::optional<costs::Guardrails> portfolio;  // paper: one set of guardrails for every symbol
  if (paper) portfolio.emplace(costs::GuardrailConfig{});
  std::vector<Slot> slots;
  std::vector<data::BarSeries> replayed;
  for (const std::string& symbol : selected) {
    LiveSymbolReport& rep = report.symbols[symbol];
    // The champion first: a symbol without a valid one is left out before its bars are read.
    auto model = registry::LoadChampionModel(*store, symbol, recipe, recipe.names());
    if (!model.ok()) {
      rep.error = model.error().message;
      continue;
    }
    HURACAN_ASSIGN_OR_RETURN(data::BarSeries bars, data::LoadBars(EntryOf(entries, symbol)->path));
    Slot slot;
    slot.symbol = symbol;
    slot.model = std::move(*model);
    rep.model_id = slot.model.model_id;
    // Warm-up from history: the features see every bar of the file before the start, so they are
    // the same numbers a backtest's frame built on the whole file holds.
    HURACAN_ASSIGN_OR_RETURN(features::FeatureStream stream, features::FeatureStream::Create(recipe));
    slot.use_ref = !symbol.starts_with("BTC");
    const data::BarSeries* rs = ref && slot.use_ref ? &*ref : nullptr;
    const size_t warm = RowsBefore(bars, o.replay.from_ms);
    size_t ref_i = 0;
    for (size_t i = 0; i < warm; ++i) {
      Bar rb;
      const Bar bar = bars.bar(i);
      stream.Update(bar, data::AlignedBar(rs, bar.ts_ms, &ref_i, &rb));
    }
    rep.warmup_bars = static_cast<int64_t>(warm);
    std::fprintf(stderr, "live: %s model %s, warmed up on %zu bars\n", symbol.c_str(), rep.model_id.c_str(), warm);
    execution::SymbolDriverConfig dc;
    dc.pipeline.symbol = symbol;
    dc.pipeline.timeframe = o.timeframe;
    dc.pipeline.costs = o.costs ? o.costs->ForSymbol(symbol) : slot.model.costs;
    dc.pipeline.regime = slot.model.regime;
    dc.pipeline.meta_state = slot.model.meta_state;
    dc.record_decisions = !o.decisions_out.empty();
    slot.notional = dc.pipeline.costs.notional;
    HURACAN_ASSIGN_OR_RETURN_CTX(
        slot.driver,
        execution::SymbolDriver::Create(dc, std::make_unique<decision::StreamFeatureSource>(std::move(stream)),
                                        slot.model.ptrs(), portfolio ? &*portfolio : nullptr),
        symbol);
    slots.push_back(std::move(slot));
    replayed.push_back(std::move(bars));
  }
  // The reference bars are replayed even when the reference symbol is not traded (not selected,
  // or without a champion).
  if (ref && std::none_of(slots.begin(), slots.end(), [&](const Slot& s) { return s.symbol == ref_symbol; }))
    replayed.push_back(*ref);

  std::map<std::string, size_t> slot_of;
  for (size_t k = 0; k < slots.size(); ++k) slot_of[slots[k].symbol] = k;
  // Bars come from the source; with --speed N they are released on the clock.
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<ReplaySource> source,
                           ReplaySource::FromSeries(std::move(replayed), o.replay, clock));
  BarGuard guard(BarGuardOptions{.timeframe_ms = tf_ms});
  std::ofstream decisions;
  if (!o.decisions_out.empty()) {
    decisions.open(o.decisions_out, std::ios::binary | std::ios::trunc);
    if (!decisions) return InvalidArgument("--decisions-out: cannot write " + o.decisions_out);
  }
  PaperBook paper_book;
  paper_book.capital = portfolio ? portfolio->config().capital : 0;
  paper_book.nav = paper_book.peak = paper_book.capital;

  // The event loop: one bar time at a time (every symbol's bar of that minute), then the trades
  // are logged and the state saved. Bar times up to resume_after are the catch-up of a restart:
  // they re-derive the pipelines' state; their trades were logged already (inserts are
  // idempotent, so logging them again writes nothing).
  std::optional<BarEvent> pending;
  HURACAN_ASSIGN_OR_RETURN(pending, source->Next());
  const auto t0 = std::chrono::steady_clock::now();
  // Progress on stderr every 10 s of wall time (the JSON report on stdout comes at the end).
  auto last_progress = t0;
  std::fprintf(stderr, "live: %s mode, %zu symbols traded, replaying %s\n", paper ? "paper" : "shadow", slots.size(),
               o.replay_dir.c_str());
  std::vector<BarEvent> group;
  bool resume_checked = resume_after == INT64_MIN;  // a restart checks its state at the saved bar time
  while (pending) {
    const int64_t ts = pending->bar.ts_ms;
    group.clear();
    while (pending && pending->bar.ts_ms == ts) {
      group.push_back(std::move(*pending));
      HURACAN_ASSIGN_OR_RETURN(pending, source->Next());
    }
    const bool catch_up = ts <= resume_after;
    // Paper mode: a new UTC day closes the previous one's daily_equity row.
    if (paper && UtcDay(ts) != paper_book.day) {
      if (paper_book.day != INT64_MIN) HURACAN_RETURN_IF_ERROR(UpsertDailyEquity(*db, paper_book.Row()));
      paper_book.day = UtcDay(ts);
      paper_book.day_notional = paper_book.day_fees = 0;
    }
    const Bar* ref_bar = nullptr;
    for (const auto& ev : group)
      if (ev.symbol == ref_symbol) ref_bar = &ev.bar;
    std::vector<TradeRecord> closed;
    for (const auto& ev : group) {
      auto it = slot_of.find(ev.symbol);
      if (it == slot_of.end()) continue;
      Slot& s = slots[it->second];
      const BarCheck check = guard.Check(ev.symbol, ev.bar);
      // Errors stay with the symbol: a refused bar degrades it, a pipeline error stops it.
      if (!check.accepted() || guard.degraded(ev.symbol) || !s.failed.empty()) continue;
      if (auto step = s.driver->Step(ev.bar, s.use_ref ? ref_bar : nullptr); !step.ok()) {
        s.failed = step.error().message;
        continue;
      }
      s.last_ts = ev.bar.ts_ms;
      ++report.symbols[s.symbol].bars;
      for (const auto& d : s.driver->TakeDecisions()) decisions << d.Serialize() << '\n';
      for (const auto& t : s.driver->executor().TakeTrades())
        closed.push_back(ToRecord(t, s.model.model_id, s.notional));
    }
    // The end of the replay: open positions close at the last close, as at a backtest's end.
    if (!pending) {
      for (Slot& s : slots) {
        s.driver->executor().EndOfData();
        for (const auto& t : s.driver->executor().TakeTrades())
          closed.push_back(ToRecord(t, s.model.model_id, s.notional));
      }
    }
    for (const auto& r : closed) {
      ++report.symbols[r.symbol].trades;
      if (paper) paper_book.Add(r);
    }
    if (!closed.empty()) {
      HURACAN_ASSIGN_OR_RETURN(int64_t added, InsertTrades(*db, book, closed));
      report.trades_logged += added;
      HURACAN_RETURN_IF_ERROR(AppendTradesToDayFiles(*store, book, closed));
    }
    if (paper && !pending) HURACAN_RETURN_IF_ERROR(UpsertDailyEquity(*db, paper_book.Row()));
    if (catch_up) {
      ++report.caught_up;
      if (ts == resume_after) {
        HURACAN_RETURN_IF_ERROR(CheckCaughtUp(slots, *saved, state_store->path()));
        resume_checked = true;
      }
      continue;
    }
    if (!resume_checked) return NoResumePoint(state_store->path(), resume_after);
    ++report.bar_times;
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
      for (const Slot& s : slots) st.symbols[s.symbol] = SlotState(s);
      HURACAN_RETURN_IF_ERROR(state_store->Save(st));
    }
  }
  if (!resume_checked) return NoResumePoint(state_store->path(), resume_after);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const Slot& s : slots)
    if (!s.failed.empty()) report.symbols[s.symbol].degraded = "pipeline: " + s.failed;
  for (const std::string& sym : guard.DegradedSymbols()) report.symbols[sym].degraded = guard.Health(sym)->reason;
  return report;
}

}  // namespace huracan::live
