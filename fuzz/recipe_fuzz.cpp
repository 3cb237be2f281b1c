// libFuzzer target for the feature recipe loader (YAML/JSON, features/recipe.h): any text gives an
// error naming the source, or a recipe whose canonical form parses back to the same recipe
// (same hash, same columns).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "features/recipe.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = features::FeatureRecipe::Parse(text, "fuzz.yaml");
  if (!r.ok()) {
    fuzz::CheckNames(r.error().message, "fuzz.yaml");
    return 0;
  }
  auto again = features::FeatureRecipe::Parse(r->canonical(), "canonical");
  fuzz::Check(again.ok(), "the canonical form of a recipe does not parse");
  fuzz::Check(again->hash() == r->hash(), "the canonical form parses to another hash");
  fuzz::Check(again->names() == r->names(), "the canonical form parses to other columns");
  return 0;
}
