// libFuzzer target for the JSON settings files: the costs file (costs/cost_presets.h), the
// guardrails' symbol selector (costs/guardrails.h) and the promotion rules
// (registry/promotion.h). Any text gives an error (naming the file where the API takes a name)
// or a value; nothing throws.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "costs/cost_presets.h"
#include "costs/guardrails.h"
#include "fuzz_util.h"
#include "registry/promotion.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto costs_file = costs::ParseCostsJson(text, "fuzz-costs.json");
  if (!costs_file.ok()) fuzz::CheckNames(costs_file.error().message, "fuzz-costs.json");
  (void)costs::ParseSelectorJson(text);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) (void)registry::PromotionRules::FromJson(j);
  return 0;
}
