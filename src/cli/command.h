// The CLI boundary: every subcommand registers itself on the CLI11 app and, when chosen,
// runs as an Action. Errors come back as values; RunMain turns them into one stderr line.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"
#include "core/status.h"

namespace huracan::cli {

// Exit codes: 0 ok, 1 partial failure (e.g. some symbols failed), 2 error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitPartial = 1;
inline constexpr int kExitError = 2;

using Action = std::function<Result<int>()>;

// Each command group adds its subcommands to `app`; the chosen one stores its action in `*out`.
using Registrar = void (*)(CLI::App& app, Action* out);

void RegisterDataCommands(CLI::App& app, Action* out);
void RegisterDbCommands(CLI::App& app, Action* out);
void RegisterChampionCommands(CLI::App& app, Action* out);
void RegisterFeaturesCommands(CLI::App& app, Action* out);
void RegisterBacktestCommands(CLI::App& app, Action* out);
void RegisterCheckCommands(CLI::App& app, Action* out);
void RegisterTrainCommands(CLI::App& app, Action* out);
void RegisterEnginesCommands(CLI::App& app, Action* out);
void RegisterCostsCommands(CLI::App& app, Action* out);
void RegisterConfigCommands(CLI::App& app, Action* out);
void RegisterBotCommands(CLI::App& app, Action* out);
void RegisterLiveCommands(CLI::App& app, Action* out);
void RegisterServeCommands(CLI::App& app, Action* out);
void RegisterArchiveCommands(CLI::App& app, Action* out);

// The settings of this run (docs/CONFIG.md): flag > environment > config file > default. Loaded by
// RunMain after the command line is parsed and before the command runs.
const config::Settings& ActiveSettings();
// Loads and validates them for the chosen command (`--config` value `config_flag`); on errors
// prints each on its own stderr line and returns kExitError, else kExitOk.
int LoadActiveSettings(CLI::App& app, const std::string& config_flag);

// --engines of backtest and check: "all" (or empty) = every registered engine, else a comma
// list of engine ids (SplitCommaList), each checked against the registry; an empty list is refused.
Result<std::vector<std::string>> ParseEngineIds(const std::string& spec);

// True when any costs.* setting was given (flag, environment or config file): the costs then come
// from the settings, not from a bundle (backtest --model, live).
bool AnyCostsGiven(const config::Settings& s);

// An error message as one stderr line: messages from libraries (libpq, for one) may hold
// newlines and tabs; each run of white space that holds one becomes a single space.
std::string OneLine(std::string_view message);

int RunMain(int argc, char** argv);

}  // namespace huracan::cli
