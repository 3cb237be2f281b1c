#include "cli/command.h"

namespace huracan::cli {

void RegisterDataCommands(CLI::App& app, Action* out) {
  CLI::App* data = app.add_subcommand("data", "Read, inspect, export and import candle files");
  data->require_subcommand(1);
  (void)out;
}

}  // namespace huracan::cli
