// The settings of the run: which command was chosen, which of its flags map to settings, and the
// config file, environment and defaults under them (config/settings.h).
#include <algorithm>
#include <cstdio>
#include <optional>

#include "cli/command.h"

namespace huracan::cli {
namespace {

std::optional<config::Settings>& Slot() {
  static std::optional<config::Settings> settings;
  return settings;
}

}  // namespace

const config::Settings& ActiveSettings() {
  if (!Slot()) Slot() = config::Load(config::LoadOptions{}).settings;
  return *Slot();
}

int LoadActiveSettings(CLI::App& app, const std::string& config_flag) {
  CLI::App* cmd = &app;
  std::string path;
  while (!cmd->get_subcommands().empty()) {
    cmd = cmd->get_subcommands().front();
    path += (path.empty() ? "" : " ") + cmd->get_name();
  }
  // Their output must not depend on a config file that may be broken or absent.
  if (path == "config init" || path == "config docs") return kExitOk;
  config::LoadOptions opts;
  opts.config_flag = config_flag;
  for (const auto& d : config::Declarations()) {
    if (d.flag.empty()) continue;
    const bool has = path == "config show" || std::find(d.flag_on.begin(), d.flag_on.end(), path) != d.flag_on.end();
    const CLI::Option* opt = has ? cmd->get_option_no_throw(d.flag) : nullptr;
    if (opt == nullptr || opt->count() == 0) continue;
    std::string value;
    for (const auto& r : opt->results()) value += (value.empty() ? "" : ",") + r;
    opts.flags[d.key] = value;
    opts.flag_of[d.key] = d.flag;
  }
  config::LoadResult r = config::Load(opts);
  if (!r.ok()) {
    for (const auto& e : r.errors) std::fprintf(stderr, "huracan: %s\n", OneLine(e).c_str());
    return kExitError;
  }
  Slot() = std::move(r.settings);
  return kExitOk;
}

}  // namespace huracan::cli
