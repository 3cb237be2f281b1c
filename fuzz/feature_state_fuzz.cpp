// libFuzzer target for the feature state loader (FeatureStream::LoadState). Any bytes give an
// error, leaving the stream as it was, or a state the stream continues from; a loaded state
// saves back to the same bytes.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "features/builder.h"
#include "features/recipe.h"
#include "fuzz_util.h"

// With HURACAN_FUZZ_SEED_OUT=FILE set, writes the state of a default-recipe stream after 400
// bars of a deterministic random walk to FILE first: the seed of fuzz/corpus/feature_state.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace huracan;
  const char* out = std::getenv("HURACAN_FUZZ_SEED_OUT");
  if (out == nullptr) return 0;
  auto stream = features::FeatureStream::Create(*features::BuiltinRecipe("default"));
  double price = 100;
  uint64_t x = 42;
  for (int64_t i = 0; i < 400; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double step = (static_cast<double>(x >> 11) / 9007199254740992.0 - 0.5) * 0.004;
    const double open = price;
    price *= std::exp(step);
    Bar bar{i * 60000,
            open,
            std::max(open, price) * 1.0005,
            std::min(open, price) * 0.9995,
            price,
            10.0 + static_cast<double>(x % 100)};
    (void)stream->Update(bar, nullptr);
  }
  std::ofstream(out, std::ios::binary) << stream->SaveState();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  static const features::FeatureRecipe recipe = *features::BuiltinRecipe("default");
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto stream = features::FeatureStream::Create(recipe);
  fuzz::Check(stream.ok(), "the default recipe's stream cannot be created");
  const std::string fresh = stream->SaveState();
  if (!stream->LoadState(bytes).ok()) {
    fuzz::Check(stream->SaveState() == fresh, "a refused state changed the stream");
    return 0;
  }
  const std::string loaded = stream->SaveState();
  auto twin = features::FeatureStream::Create(recipe);
  fuzz::Check(twin->LoadState(loaded).ok() && twin->SaveState() == loaded, "feature state does not round-trip");
  // The stream goes on from the loaded state.
  Bar bar{int64_t{1} << 50, 100, 101, 99, 100.5, 12};
  (void)stream->Update(bar, nullptr);
  return 0;
}
