// What the status page, /api/status and /metrics show (docs/CONTROL.md, "Status page"): one
// StatusData gathered from the archive and the database (through the command functions of
// control/commands.h) and, when a live runner is attached, from its latest live::LiveStatus
// snapshot; then three renderers of the same data: HTML, JSON and Prometheus text.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "control/commands.h"
#include "live/status.h"

namespace huracan::control {

struct StatusData {
  int64_t now_ms = 0;
  ChampionsResult champions;
  std::string champions_problem;  // non-empty: the archive could not be read
  StatusResult status;            // selector, pause flag, last summary date
  std::string status_problem;
  EquityResult equity;  // daily_equity rows (oldest first)
  std::string equity_problem;
  TradesResult trades;  // the last closed live trades and the total
  std::string trades_problem;
  SummaryResult summary;  // the latest daily summary
  std::string summary_problem;
  std::shared_ptr<const live::LiveStatus> live;  // null: no live runner attached
  // Live feed fresh: the snapshot says so (LiveStatus::fresh) and it is itself no older than its
  // stale_after_ms at now_ms (a stopped runner's last snapshot is not fresh).
  bool feed_fresh() const;
};

// Days of daily_equity the page charts.
inline constexpr int kStatusEquityDays = 90;
// Closed trades the page lists.
inline constexpr int kStatusRecentTrades = 10;

// Reads everything; a part that fails is left empty with its `*_problem` set (never an error).
StatusData CollectStatus(const ControlContext& ctx, const live::StatusBoard* board);

// /api/status (docs/CONTROL.md lists the fields).
nlohmann::json StatusToJson(const StatusData& d);
// `/`: a self-contained HTML page with inline SVG charts.
std::string RenderStatusPage(const StatusData& d);
// /metrics: Prometheus text exposition format 0.0.4, HELP and TYPE for every metric.
std::string RenderMetrics(const StatusData& d);

}  // namespace huracan::control
