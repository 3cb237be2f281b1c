// libFuzzer target for the engine parameter loader (Engine::LoadParams) and the other saved
// model states: the first byte picks an engine of the registry (or the regime thresholds, the
// meta combiner state or the executor state), the rest is the bytes loaded. Any input gives an
// error or a loaded state; a loaded engine infers on a row without crashing, and saving what
// was loaded and loading it again gives the same bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "engines/registry.h"
#include "execution/executor.h"
#include "features/recipe.h"
#include "fuzz_util.h"
#include "meta/combiner.h"
#include "regime/classifier.h"

namespace {
// A state `T::Load` accepts saves to bytes that load back to the same state.
template <typename T>
int LoadedStateRoundTrips(std::string_view bytes, const std::string& what) {
  auto r = T::Load(bytes);
  if (!r.ok()) return 0;
  auto again = T::Load(r->Save());
  huracan::fuzz::Check(again.ok() && again->Save() == r->Save(), (what + " does not round-trip").c_str());
  return 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  if (size == 0) return 0;
  static const features::FeatureRecipe recipe = *features::BuiltinRecipe("default");
  const auto& ids = engines::AllEngineIds();
  const size_t pick = data[0] % (ids.size() + 3);
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (pick == ids.size()) return LoadedStateRoundTrips<regime::RegimeThresholds>(bytes, "regime thresholds");
  if (pick == ids.size() + 1) return LoadedStateRoundTrips<meta::MetaCombiner>(bytes, "meta state");
  if (pick == ids.size() + 2) {
    execution::Executor ex(execution::ExecutorConfig{});
    if (ex.RestoreState(bytes).ok()) {
      execution::Executor again(execution::ExecutorConfig{});
      fuzz::Check(again.RestoreState(ex.SaveState()).ok() && again.SaveState() == ex.SaveState(),
                  "executor state does not round-trip");
    }
    return 0;
  }
  auto engine = engines::CreateEngine(ids[pick]);
  fuzz::Check(engine.ok(), "a registered engine cannot be created");
  fuzz::Check((*engine)->Bind(recipe.names()).ok(), "an engine does not bind to the default recipe");
  if (!(*engine)->LoadParams(bytes).ok()) return 0;
  const std::string saved = (*engine)->SaveParams();
  auto twin = engines::CreateEngine(ids[pick]);
  fuzz::Check((*twin)->Bind(recipe.names()).ok() && (*twin)->LoadParams(saved).ok(), "saved params do not load back");
  fuzz::Check((*twin)->SaveParams() == saved, "params do not round-trip");
  // Inference on a row of ordinary values, and on one of NaNs, must not crash.
  std::vector<double> row(recipe.names().size(), 0.5);
  engines::FeatureRow fr{row, 0, Bar{0, 100, 101, 99, 100, 10}};
  (void)(*engine)->Infer(fr);
  std::fill(row.begin(), row.end(), std::numeric_limits<double>::quiet_NaN());
  (void)(*engine)->Infer(fr);
  return 0;
}
