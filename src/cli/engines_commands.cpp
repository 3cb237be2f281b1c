// `huracan engines`: the engine registry on the command line (docs/ENGINES.md).
//   huracan engines list [--format json|text]
// JSON (the contract other tools read): [{"id","family","regimes":["TREND",...],"horizon_minutes"}, ...]
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "engines/registry.h"

namespace huracan::cli {
namespace {

Result<int> ListEngines(const std::string& format) {
  if (format == "json") {
    std::string out = engines::EngineInfoJson() + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
  }
  if (format != "text") return InvalidArgument("engines list: --format must be json or text, got '" + format + "'");
  std::printf("%-20s %-12s %-8s %s\n", "id", "family", "horizon", "regimes");
  for (const engines::EngineInfo& info : engines::AllEngineInfo()) {
    std::string regimes;
    for (Regime r : info.regimes) regimes += (regimes.empty() ? "" : ",") + std::string(RegimeName(r));
    std::printf("%-20s %-12s %-8d %s\n", info.id.c_str(), engines::EngineFamilyName(info.family), info.horizon_minutes,
                regimes.c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterEnginesCommands(CLI::App& app, Action* out) {
  CLI::App* eng = app.add_subcommand("engines", "The signal engines: ids, families, regimes, horizons");
  eng->require_subcommand(1);
  auto format = std::make_shared<std::string>("text");
  CLI::App* list = eng->add_subcommand("list", "List every engine in canonical order");
  list->add_option("--format", *format, "json or text")->check(CLI::IsMember({"json", "text"}));
  list->callback([out, format] { *out = [format] { return ListEngines(*format); }; });
}

}  // namespace huracan::cli
