#include "execution/executor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/json.h"
#include "core/time_units.h"

namespace huracan::execution {
namespace {

constexpr int kStateVersion = 1;

// Doubles in the state: JSON numbers round-trip exactly; NaN (allowed in a market snapshot) is null.
double Num(const nlohmann::json& v) { return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>(); }

nlohmann::json CostJson(const costs::CostBreakdown& c) {
  return {JsonNumber(c.fees_bps), JsonNumber(c.spread_bps), JsonNumber(c.slippage_bps), JsonNumber(c.funding_bps)};
}
costs::CostBreakdown CostFrom(const nlohmann::json& j) {
  return {Num(j.at(0)), Num(j.at(1)), Num(j.at(2)), Num(j.at(3))};
}

nlohmann::json MarketJson(const costs::MarketSnapshot& m) {
  return {JsonNumber(m.price),     JsonNumber(m.spread_bps),   JsonNumber(m.sigma_bar_bps),
          JsonNumber(m.adv_quote), JsonNumber(m.bars_per_day), m.perp};
}
costs::MarketSnapshot MarketFrom(const nlohmann::json& j) {
  return {Num(j.at(0)), Num(j.at(1)), Num(j.at(2)), Num(j.at(3)), Num(j.at(4)), j.at(5).get<bool>()};
}

}  // namespace

Executor::Executor(ExecutorConfig config, PositionListener* listener)
    : config_(std::move(config)), cost_(config_.costs), listener_(listener) {}

double Executor::Close(double px, int64_t ts_ms, int64_t held_until_ms, const char* why) {
  Trade& t = pos_.trade;
  t.exit_ts_ms = ts_ms;
  t.exit_price = px;
  t.exit_reason = why;
  const costs::CostBreakdown out = cost_.Side(last_market_, /*entry=*/false);
  const double minutes = static_cast<double>(held_until_ms - t.entry_ts_ms) / static_cast<double>(kMsPerMinute);
  t.funding_bps = cost_.FundingBps(last_market_.perp, minutes);
  t.gross_bps = pos_.dir * (px / pos_.entry_price - 1.0) * 1e4;
  t.fees_bps = pos_.entry_cost.fees_bps + out.fees_bps + t.funding_bps;
  t.spread_bps = pos_.entry_cost.spread_bps + out.spread_bps;
  t.slippage_bps = pos_.entry_cost.slippage_bps + out.slippage_bps;
  t.net_bps = t.gross_bps - t.fees_bps - t.spread_bps - t.slippage_bps;
  const double ret = pos_.dir * (px - pos_.mark) / pos_.entry_price - (out.total() + t.funding_bps) * 1e-4;
  if (listener_ != nullptr) listener_->OnPositionClosed(held_until_ms, config_.costs.notional * t.net_bps * 1e-4);
  closed_.push_back(std::move(t));
  pos_ = Position{};
  return ret;
}

double Executor::Open(const Intent& in, double px, int64_t ts_ms, const costs::CostBreakdown& entry_cost) {
  pos_.dir = static_cast<int>(in.direction);
  pos_.entry_price = pos_.mark = px;
  SetExits(in, px);
  pos_.entry_cost = entry_cost;
  pos_.trade = Trade{};
  pos_.trade.symbol = config_.symbol;
  pos_.trade.direction = in.direction;
  pos_.trade.signal_ts_ms = in.signal_ts_ms;
  pos_.trade.entry_ts_ms = ts_ms;
  pos_.trade.entry_price = px;
  pos_.trade.horizon_minutes = in.horizon_minutes;
  pos_.trade.engines = in.engines;
  pos_.trade.tag = in.tag;
  if (listener_ != nullptr) listener_->OnPositionOpened(in.direction, ts_ms);
  return entry_cost.total() * 1e-4;
}

void Executor::SetExits(const Intent& in, double px) {
  const int dir = pos_.dir;
  const FixedExits& f = config_.fixed;
  const auto level = [&](double bps, int sign) {
    return std::isfinite(bps) && bps > 0 ? px * (1.0 + sign * dir * bps * 1e-4)
                                         : std::numeric_limits<double>::quiet_NaN();
  };
  if (f.on) {
    pos_.exit_due_bar = f.max_hold_bars > 0 ? bar_no_ + f.max_hold_bars : std::numeric_limits<int64_t>::max();
    pos_.stop = level(f.stop_bps, -1);
    pos_.take_profit = level(f.take_profit_bps, +1);
    return;
  }
  const int64_t tf_ms = config_.timeframe_ms;
  const int64_t hb = std::max<int64_t>(1, (int64_t{in.horizon_minutes} * kMsPerMinute + tf_ms - 1) / tf_ms);
  pos_.exit_due_bar = bar_no_ + hb;
  const double sigma = std::isfinite(in.market.sigma_bar_bps) ? in.market.sigma_bar_bps : 0.0;
  const double scale = sigma * std::sqrt(static_cast<double>(hb));
  const double stop_bps = std::max(config_.min_stop_bps, config_.stop_sigmas * scale);
  const double tp_bps = std::max(config_.min_stop_bps, config_.take_profit_sigmas * scale);
  pos_.stop = px * (1.0 - dir * stop_bps * 1e-4);
  pos_.take_profit = px * (1.0 + dir * tp_bps * 1e-4);
}

costs::CostBreakdown Executor::MakerEntryCost() const {
  costs::CostBreakdown b;
  b.fees_bps = config_.costs.maker_fee_bps;
  return b;
}

bool Executor::WorkMakerOrder(const Bar& bar, double* ret) {
  if (!maker_resting_) return false;
  const double margin = config_.costs.maker_trade_through_bps * 1e-4;
  const bool long_side = entry_.direction == Direction::kBuy;
  const bool through = long_side ? bar.low <= maker_limit_ * (1.0 - margin) : bar.high >= maker_limit_ * (1.0 + margin);
  if (pos_.dir == 0 && through) {
    maker_resting_ = false;
    *ret -= Open(entry_, maker_limit_, bar.ts_ms, MakerEntryCost());
    return true;
  }
  if (bar_no_ - maker_placed_bar_ >= config_.costs.maker_fill_bars) {
    maker_resting_ = false;
    ++maker_unfilled_;
  }
  return false;
}

double Executor::OnBar(const Bar& bar) {
  ++bar_no_;
  last_bar_ = bar;
  double ret = 0.0;
  // 1. At the open: exits first (exit signal, horizon), then the pending entry. An exit signal is
  // "opposite" when the same signal also placed an entry the other way.
  if (pos_.dir != 0 && (pending_exit_ || bar_no_ >= pos_.exit_due_bar)) {
    const bool reverse = (pending_entry_ || maker_resting_) && static_cast<int>(entry_.direction) == -pos_.dir;
    ret += Close(bar.open, bar.ts_ms, bar.ts_ms, !pending_exit_ ? "horizon" : reverse ? "opposite" : "signal");
  }
  pending_exit_ = false;
  if (entries_blocked_) pending_entry_ = maker_resting_ = false;
  if (pending_entry_ && pos_.dir == 0)
    ret -= Open(entry_, bar.open, bar.ts_ms, cost_.Side(entry_.market, /*entry=*/true));
  pending_entry_ = false;
  // A resting maker order fills inside the bar, once the price trades through its limit.
  const bool maker_fill = WorkMakerOrder(bar, &ret);
  // 2. Intrabar stop / take-profit, else mark to close. When both lie in the bar's range the stop
  // wins (the conservative assumption), unless the open already gapped through the take-profit.
  if (pos_.dir != 0) {
    const bool long_side = pos_.dir > 0;
    const bool stop_hit = long_side ? bar.low <= pos_.stop : bar.high >= pos_.stop;
    const bool tp_hit = !maker_fill && (long_side ? bar.high >= pos_.take_profit : bar.low <= pos_.take_profit);
    const bool tp_gapped = tp_hit && (long_side ? bar.open >= pos_.take_profit : bar.open <= pos_.take_profit);
    if (stop_hit && !tp_gapped) {
      const double px = long_side ? std::min(bar.open, pos_.stop) : std::max(bar.open, pos_.stop);
      ret += Close(px, bar.ts_ms, bar.ts_ms, "stop");
    } else if (tp_hit) {
      const double px = long_side ? std::max(bar.open, pos_.take_profit) : std::min(bar.open, pos_.take_profit);
      ret += Close(px, bar.ts_ms, bar.ts_ms, "take_profit");
    } else {
      ret += pos_.dir * (bar.close - pos_.mark) / pos_.entry_price;
      pos_.mark = bar.close;
      ++bars_in_position_;
    }
  }
  return ret;
}

void Executor::OnDecision(const decision::Decision& d, const costs::MarketSnapshot& market) {
  last_market_ = market;
  // A signal against the position exits it at the next open (with fixed exits and exit_on_signal
  // off, only an accepted entry the other way does).
  const bool exit_signals = !config_.fixed.on || config_.fixed.exit_on_signal;
  const int against = exit_signals ? static_cast<int>(d.signal) : static_cast<int>(d.direction);
  if (pos_.dir != 0 && against == -pos_.dir) pending_exit_ = true;
  if (maker_resting_ && d.signal != Direction::kWait && d.signal != entry_.direction) {
    maker_resting_ = false;
    ++maker_cancelled_;
  }
  if (d.direction != Direction::kWait && static_cast<int>(d.direction) != pos_.dir && !entries_blocked_) {
    if (config_.costs.maker_entry) {
      if (maker_resting_) return;  // same direction: the resting order stays as it is
      maker_resting_ = true;
      maker_limit_ = last_bar_.close;
      maker_placed_bar_ = bar_no_;
    } else {
      pending_entry_ = true;
    }
    entry_.direction = d.direction;
    entry_.signal_ts_ms = d.ts_ms;
    entry_.horizon_minutes = d.horizon_minutes;
    entry_.engines = d.engines;
    entry_.tag = d.tag;
    entry_.market = market;
  }
}

double Executor::EndOfData() {
  pending_exit_ = pending_entry_ = maker_resting_ = false;
  if (pos_.dir == 0) return 0.0;
  // The fill is in the last bar (exit_ts: its open time); funding runs to its close.
  return Close(last_bar_.close, last_bar_.ts_ms, last_bar_.ts_ms + config_.timeframe_ms, "end");
}

std::vector<Trade> Executor::TakeTrades() {
  std::vector<Trade> out;
  out.swap(closed_);
  return out;
}

std::string Executor::SaveState() const {
  nlohmann::json j;
  j["version"] = kStateVersion;
  j["symbol"] = config_.symbol;
  j["bar_no"] = bar_no_;
  j["last_bar"] = {last_bar_.ts_ms,           JsonNumber(last_bar_.open),  JsonNumber(last_bar_.high),
                   JsonNumber(last_bar_.low), JsonNumber(last_bar_.close), JsonNumber(last_bar_.volume)};
  j["last_market"] = MarketJson(last_market_);
  j["bars_in_position"] = bars_in_position_;
  j["maker_unfilled"] = maker_unfilled_;
  j["maker_cancelled"] = maker_cancelled_;
  if (pos_.dir != 0) {
    const Trade& t = pos_.trade;
    j["position"] = {{"dir", pos_.dir},
                     {"entry_price", pos_.entry_price},
                     {"mark", pos_.mark},
                     {"exit_due_bar", pos_.exit_due_bar},
                     {"stop", pos_.stop},
                     {"take_profit", pos_.take_profit},
                     {"entry_cost", CostJson(pos_.entry_cost)},
                     {"signal_ts_ms", t.signal_ts_ms},
                     {"entry_ts_ms", t.entry_ts_ms},
                     {"horizon_minutes", t.horizon_minutes},
                     {"engines", t.engines}};
  }
  j["pending_exit"] = pending_exit_;
  if (pending_entry_ || maker_resting_) {
    j[maker_resting_ ? "maker_order" : "pending_entry"] = {{"direction", static_cast<int>(entry_.direction)},
                                                           {"signal_ts_ms", entry_.signal_ts_ms},
                                                           {"horizon_minutes", entry_.horizon_minutes},
                                                           {"engines", entry_.engines},
                                                           {"market", MarketJson(entry_.market)}};
  }
  if (maker_resting_) {
    j["maker_order"]["limit"] = maker_limit_;
    j["maker_order"]["placed_bar"] = maker_placed_bar_;
  }
  return j.dump();
}

Status Executor::RestoreState(std::string_view text) {
  const auto bad = [](const std::string& why) { return InvalidArgument("executor state: " + why); };
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("not a JSON object");
  try {
    if (j.at("version").get<int>() != kStateVersion)
      return bad("version " + j.at("version").dump() + ", expected " + std::to_string(kStateVersion));
    if (j.at("symbol").get<std::string>() != config_.symbol)
      return bad("symbol " + j.at("symbol").get<std::string>() + ", expected " + config_.symbol);
    Executor s(config_, listener_);
    s.bar_no_ = j.at("bar_no").get<int64_t>();
    const auto& lb = j.at("last_bar");
    s.last_bar_ =
        Bar{lb.at(0).get<int64_t>(), Num(lb.at(1)), Num(lb.at(2)), Num(lb.at(3)), Num(lb.at(4)), Num(lb.at(5))};
    s.last_market_ = MarketFrom(j.at("last_market"));
    s.bars_in_position_ = j.at("bars_in_position").get<int64_t>();
    s.maker_unfilled_ = j.at("maker_unfilled").get<int64_t>();
    s.maker_cancelled_ = j.at("maker_cancelled").get<int64_t>();
    if (j.contains("position")) {
      const auto& p = j.at("position");
      s.pos_.dir = p.at("dir").get<int>();
      if (s.pos_.dir != 1 && s.pos_.dir != -1) return bad("position dir must be 1 or -1");
      s.pos_.entry_price = Num(p.at("entry_price"));
      s.pos_.mark = Num(p.at("mark"));
      s.pos_.exit_due_bar = p.at("exit_due_bar").get<int64_t>();
      s.pos_.stop = Num(p.at("stop"));
      s.pos_.take_profit = Num(p.at("take_profit"));
      s.pos_.entry_cost = CostFrom(p.at("entry_cost"));
      Trade& t = s.pos_.trade;
      t.symbol = config_.symbol;
      t.direction = static_cast<Direction>(s.pos_.dir);
      t.signal_ts_ms = p.at("signal_ts_ms").get<int64_t>();
      t.entry_ts_ms = p.at("entry_ts_ms").get<int64_t>();
      t.entry_price = s.pos_.entry_price;
      t.horizon_minutes = p.at("horizon_minutes").get<int>();
      t.engines = p.at("engines").get<std::vector<std::string>>();
    }
    s.pending_exit_ = j.at("pending_exit").get<bool>();
    if (j.contains("pending_entry") && j.contains("maker_order")) return bad("both a pending entry and a maker order");
    if (j.contains("pending_entry") || j.contains("maker_order")) {
      const bool maker = j.contains("maker_order");
      const auto& e = j.at(maker ? "maker_order" : "pending_entry");
      const int dir = e.at("direction").get<int>();
      if (dir != 1 && dir != -1) return bad("pending entry direction must be 1 or -1");
      s.pending_entry_ = !maker;
      s.maker_resting_ = maker;
      if (maker) {
        s.maker_limit_ = Num(e.at("limit"));
        s.maker_placed_bar_ = e.at("placed_bar").get<int64_t>();
      }
      s.entry_.direction = static_cast<Direction>(dir);
      s.entry_.signal_ts_ms = e.at("signal_ts_ms").get<int64_t>();
      s.entry_.horizon_minutes = e.at("horizon_minutes").get<int>();
      s.entry_.engines = e.at("engines").get<std::vector<std::string>>();
      s.entry_.market = MarketFrom(e.at("market"));
    }
    s.closed_ = std::move(closed_);
    *this = std::move(s);
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  return Status::Ok();
}

}  // namespace huracan::execution
