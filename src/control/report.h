// The HTML daily report (`huracan summary --format html`, docs/CONTROL.md "HTML daily report"):
// the daily summary with charts. Per coin it reads the challenger bundle's metrics.json named by
// the summary (challenger_path): the OOS equity is the cumulative net bps of the walk-forward test
// folds (metrics.json "folds"; one point per fold, the bundle holds no per-trade curve), the cost
// attribution is its "combined" totals (gross -> fees -> spread -> slippage -> net), and the
// break-even fee is the summary's closest engine side where one produced signals.
#pragma once

#include <string>

#include "core/status.h"
#include "storage/object_store.h"
#include "training/summary.h"

namespace huracan::control {

// A self-contained HTML page (inline SVG, no scripts). A coin whose bundle metrics cannot be read
// is shown without charts and with the reason; it never fails the report.
std::string RenderSummaryHtml(const training::DailySummary& summary, const storage::ObjectStore& store);

}  // namespace huracan::control
