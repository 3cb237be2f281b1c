// The settings as the options of the commands that read them.
#pragma once

#include "config/settings.h"
#include "core/status.h"
#include "training/train_run.h"

namespace huracan::config {

// Fills every field of `o` that a setting covers (data, archive, database, training, engines,
// promotion, features, costs) and `o->config_file`, so the workers read the same file.
Status ApplyToTrainOptions(const Settings& s, training::TrainOptions* o);

}  // namespace huracan::config
