#include "config/apply.h"

#include <filesystem>

#include "costs/cost_presets.h"

namespace huracan::config {

Status ApplyToTrainOptions(const Settings& s, training::TrainOptions* o) {
  o->data_dir = s.String("data.dir");
  o->symbols = s.String("training.symbols");
  o->archive = s.String("archive.url");
  o->db = s.DatabaseUrl();
  HURACAN_ASSIGN_OR_RETURN(o->mode, training::ParseSchedulerMode(s.String("training.mode")));
  o->max_concurrent = static_cast<int>(s.Int("training.max_concurrent"));
  o->timeout_minutes = s.Double("training.timeout_minutes");
  o->retries = static_cast<int>(s.Int("training.retries"));
  o->threads = static_cast<int>(s.Int("training.threads"));
  o->claim_lease_seconds = s.Double("training.claim_lease_seconds");
  o->claim_heartbeat_seconds = s.Double("training.claim_heartbeat_seconds");
  o->shard_steal = s.Bool("training.shard_steal");
  o->engines = s.EnginesSpec();
  o->promotion_rules = s.String("promotion.rules_file");
  o->history_days = static_cast<int>(s.Int("training.history_days"));
  if (!s.file().empty()) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(s.file(), ec);
    o->config_file = ec ? s.file() : abs.string();
  }
  o->pipeline.recipe = s.String("features.recipe");
  o->pipeline.timeframe = s.String("data.timeframe");
  o->pipeline.reference_symbol = s.String("data.reference_symbol");
  HURACAN_ASSIGN_OR_RETURN(o->pipeline.costs, s.Costs());
  // The workers get the same costs: a file by its absolute path, as they may not share the folder.
  o->costs = s.String("costs.preset");
  if (!costs::IsCostPreset(o->costs)) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(o->costs, ec);
    if (!ec) o->costs = abs.string();
  }
  if (o->promotion_rules.empty()) o->pipeline.rules = s.InlineRules();
  return Status::Ok();
}

}  // namespace huracan::config
