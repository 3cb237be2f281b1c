#include "engines/registry.h"

#include <nlohmann/json.hpp>

#include "engines/factories.h"

namespace huracan::engines {
namespace {

using Factory = std::unique_ptr<Engine> (*)();

template <const RuleSpec& (*SpecFn)()>
std::unique_ptr<Engine> MakeRule() {
  return std::make_unique<RuleEngine>(SpecFn());
}

struct Entry {
  const char* id;
  Factory make;
};

// The canonical order of the SPEC. Every engine is listed here, explicitly.
constexpr Entry kEngines[] = {
    {"trend_ma", &MakeRule<TrendMaSpec>},
    {"momentum_tsmom", &MakeRule<MomentumTsmomSpec>},
    {"macd", &MakeRule<MacdSpec>},
    {"donchian_breakout", &MakeRule<DonchianBreakoutSpec>},
    {"volatility_breakout", &MakeRule<VolatilityBreakoutSpec>},
    {"squeeze", &MakeRule<SqueezeSpec>},
    {"nr7_breakout", &MakeRule<Nr7BreakoutSpec>},
    {"range_bollinger", &MakeRule<RangeBollingerSpec>},
    {"rsi_reversal", &MakeRule<RsiReversalSpec>},
    {"zscore_reversion", &MakeRule<ZscoreReversionSpec>},
    {"vwap_reversion", &MakeRule<VwapReversionSpec>},
    {"sweep", &MakeRule<SweepSpec>},
    {"panic_reversal", &MakeRule<PanicReversalSpec>},
    {"tape", &MakeRule<TapeSpec>},
    {"obv_divergence", &MakeRule<ObvDivergenceSpec>},
    {"volume_spike", &MakeRule<VolumeSpikeSpec>},
    {"leader", &MakeRule<LeaderSpec>},
    {"lead_lag", &MakeRule<LeadLagSpec>},
    {"pairs_spread", &MakeRule<PairsSpreadSpec>},
    {"seasonality", &MakeSeasonality},
    {"gbdt", &MakeGbdt},
    {"ridge", &MakeRidge},
    {"meta_label", &MakeMetaLabel},
};

const Entry* Find(std::string_view id) {
  for (const Entry& e : kEngines)
    if (id == e.id) return &e;
  return nullptr;
}

std::string KnownIds() {
  std::string s;
  for (const Entry& e : kEngines) s += (s.empty() ? "" : ", ") + std::string(e.id);
  return s;
}

}  // namespace

const std::vector<std::string>& AllEngineIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const Entry& e : kEngines) v.emplace_back(e.id);
    return v;
  }();
  return ids;
}

Result<std::unique_ptr<Engine>> CreateEngine(std::string_view id) {
  const Entry* e = Find(id);
  if (!e) return InvalidArgument("unknown engine id '" + std::string(id) + "' (known: " + KnownIds() + ")");
  return e->make();
}

const std::vector<EngineInfo>& AllEngineInfo() {
  static const std::vector<EngineInfo> infos = [] {
    std::vector<EngineInfo> v;
    for (const Entry& e : kEngines) {
      std::unique_ptr<Engine> eng = e.make();
      v.push_back(
          EngineInfo{std::string(eng->id()), std::string(eng->family()), eng->regimes(), eng->horizon_minutes()});
    }
    return v;
  }();
  return infos;
}

Result<EngineInfo> GetEngineInfo(std::string_view id) {
  for (const EngineInfo& info : AllEngineInfo())
    if (info.id == id) return info;
  return InvalidArgument("unknown engine id '" + std::string(id) + "' (known: " + KnownIds() + ")");
}

std::string EngineInfoJson() {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const EngineInfo& info : AllEngineInfo()) {
    nlohmann::ordered_json regimes = nlohmann::ordered_json::array();
    for (Regime r : info.regimes) regimes.push_back(RegimeName(r));
    arr.push_back(
        {{"id", info.id}, {"family", info.family}, {"regimes", regimes}, {"horizon_minutes", info.horizon_minutes}});
  }
  return arr.dump();
}

}  // namespace huracan::engines
