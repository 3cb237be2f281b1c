#include "engines/registry.h"

#include <nlohmann/json.hpp>

#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

using Factory = std::unique_ptr<Engine> (*)();

template <const RuleSpec& (*SpecFn)()>
std::unique_ptr<Engine> MakeRule() {
  return std::make_unique<RuleEngine>(SpecFn());
}

// The factories in canonical order, from the one table in engines/engine_table.h.
#define HURACAN_RULE_FACTORY(Name) &MakeRule<Name##Spec>,
#define HURACAN_CUSTOM_FACTORY(Name) &Make##Name,
constexpr Factory kFactories[] = {HURACAN_ENGINE_TABLE(HURACAN_RULE_FACTORY, HURACAN_CUSTOM_FACTORY)};
#undef HURACAN_RULE_FACTORY
#undef HURACAN_CUSTOM_FACTORY

// Index of `id` in the canonical order, or -1.
int Find(std::string_view id) {
  const std::vector<std::string>& ids = AllEngineIds();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<int>(i);
  return -1;
}

Error UnknownId(std::string_view id) {
  std::string known;
  for (const std::string& k : AllEngineIds()) known += (known.empty() ? "" : ", ") + k;
  return InvalidArgument("unknown engine id '" + std::string(id) + "' (known: " + known + ")");
}

}  // namespace

const std::vector<EngineInfo>& AllEngineInfo() {
  static const std::vector<EngineInfo> infos = [] {
    std::vector<EngineInfo> v;
    for (Factory make : kFactories) {
      std::unique_ptr<Engine> eng = make();
      v.push_back(EngineInfo{std::string(eng->id()), eng->family(), eng->regimes(), eng->horizon_minutes()});
    }
    return v;
  }();
  return infos;
}

const std::vector<std::string>& AllEngineIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const EngineInfo& info : AllEngineInfo()) v.push_back(info.id);
    return v;
  }();
  return ids;
}

Result<std::unique_ptr<Engine>> CreateEngine(std::string_view id) {
  const int i = Find(id);
  if (i < 0) return UnknownId(id);
  return kFactories[i]();
}

Result<EngineInfo> GetEngineInfo(std::string_view id) {
  const int i = Find(id);
  if (i < 0) return UnknownId(id);
  return AllEngineInfo()[i];
}

std::string EngineInfoJson() {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const EngineInfo& info : AllEngineInfo()) {
    nlohmann::ordered_json regimes = nlohmann::ordered_json::array();
    for (Regime r : info.regimes) regimes.push_back(RegimeName(r));
    arr.push_back({{"id", info.id},
                   {"family", EngineFamilyName(info.family)},
                   {"regimes", regimes},
                   {"horizon_minutes", info.horizon_minutes}});
  }
  return arr.dump();
}

}  // namespace huracan::engines
