// `huracan costs`: the shipped cost presets and what a preset or a costs file resolves to.
//   huracan costs list
//   huracan costs show NAME|FILE [--symbol S]   (the resolved CostConfig as JSON, in the file format)
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "costs/cost_presets.h"

namespace huracan::cli {
namespace {

Result<int> ListPresets() {
  for (const std::string& name : costs::CostPresetNames()) {
    HURACAN_ASSIGN_OR_RETURN(costs::CostsFile f, costs::LoadCosts(name));
    std::printf("%-24s %s\n", name.c_str(), f.source.c_str());
  }
  return kExitOk;
}

Result<int> ShowCosts(const std::string& name, const std::string& symbol) {
  HURACAN_ASSIGN_OR_RETURN(costs::CostsFile f, costs::LoadCosts(name));
  const costs::CostConfig c = f.overrides.ForSymbol(symbol);
  HURACAN_RETURN_IF_ERROR(WithContext(c.Validate(), name));
  nlohmann::ordered_json j;
  if (!f.source.empty()) j["source"] = f.source;
  j.update(costs::CostConfigToJson(c));
  std::printf("%s\n", j.dump(2).c_str());
  return kExitOk;
}

}  // namespace

void RegisterCostsCommands(CLI::App& app, Action* out) {
  CLI::App* cmd = app.add_subcommand("costs", "Cost presets: list them, show what a preset or file resolves to");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "The shipped presets and where their figures come from");
  list->callback([out] { *out = [] { return ListPresets(); }; });
  auto name = std::make_shared<std::string>();
  auto symbol = std::make_shared<std::string>("BTCUSDT-PERP");
  CLI::App* show = cmd->add_subcommand("show", "The resolved costs of a preset or a JSON file, as JSON");
  show->add_option("name", *name, "A preset (huracan costs list) or a costs JSON file")->required();
  show->add_option("--symbol", *symbol, "Whose defaults fill the missing keys (default BTCUSDT-PERP)");
  show->callback([out, name, symbol] { *out = [name, symbol] { return ShowCosts(*name, *symbol); }; });
}

}  // namespace huracan::cli
