#include <cstdio>
#include <exception>
#include <string>

#include "cli/command.h"

namespace huracan::cli {

void RegisterMechanicCommands(CLI::App& app, Action* out);  // mechanic_commands.cpp

namespace {

// One line per command group; groups are defined in their own files in this folder.
constexpr Registrar kRegistrars[] = {
    &RegisterDataCommands,     &RegisterDbCommands,       &RegisterChampionCommands, &RegisterFeaturesCommands,
    &RegisterBacktestCommands, &RegisterCheckCommands,    &RegisterTrainCommands,    &RegisterEnginesCommands,
    &RegisterCostsCommands,    &RegisterBotCommands,      &RegisterLiveCommands,     &RegisterServeCommands,
    &RegisterArchiveCommands,  &RegisterMechanicCommands,
};

}  // namespace

std::string OneLine(std::string_view message) {
  std::string out;
  bool pending_space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') {
      pending_space = true;
    } else if (pending_space && c == ' ') {
      // part of the same run of white space
    } else {
      if (pending_space) {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        if (!out.empty()) out += ' ';
        pending_space = false;
      }
      out += c;
    }
  }
  return out;
}

int RunMain(int argc, char** argv) {
  CLI::App app{"huracan: per-coin signal engines, walk-forward evaluation and live shadow trading"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("huracan ") + HURACAN_VERSION);
  std::string config_file;
  app.add_option("--config", config_file,
                 "Config file (default: $HURACAN_CONFIG, else ./huracan.yaml when present; docs/CONFIG.md)");
  app.fallthrough();  // --config is accepted after any subcommand too
  Action action;
  for (Registrar reg : kRegistrars) reg(app, &action);
  RegisterConfigCommands(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "huracan: %s\n", e.what());
    return kExitError;
  }
  if (!action) {
    std::fprintf(stderr, "huracan: no command given (see --help)\n");
    return kExitError;
  }
  try {
    if (int loaded = LoadActiveSettings(app, config_file); loaded != kExitOk) return loaded;
    Result<int> rc = action();
    if (!rc.ok()) {
      std::fprintf(stderr, "huracan: %s\n", OneLine(rc.error().message).c_str());
      return kExitError;
    }
    return *rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "huracan: internal error: %s\n", OneLine(e.what()).c_str());
    return kExitError;
  } catch (...) {
    std::fprintf(stderr, "huracan: internal error: unknown exception\n");
    return kExitError;
  }
}

}  // namespace huracan::cli
