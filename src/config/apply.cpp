#include "config/apply.h"

#include <filesystem>

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
  o->pipeline.costs = s.Costs();
  if (o->promotion_rules.empty()) o->pipeline.rules = s.InlineRules();
  return Status::Ok();
}

}  // namespace huracan::config
