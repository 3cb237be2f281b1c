// The feature kinds a recipe can name. Each kind declares its parameters once (default, bounds,
// meaning), how its output columns are named, and how to build its streaming state machine.
// Batch mode runs the very same state machines over the whole series, so batch and streaming
// give identical numbers by construction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace huracan::features {

using Params = std::map<std::string, double, std::less<>>;

struct ParamDef {
  std::string_view name;
  double def = 0;
  double min = 0;
  double max = 0;
  bool integer = true;
  std::string_view help;
};

// The state machine of one recipe entry (features/node.h, internal to src/features).
class Indicator;

// One feature kind. The kinds are defined in features/kinds/, one file per family: the
// indicator classes and, right below them, their entries (docs/FEATURES.md, "How to add a
// feature kind"). Every field has a default, so an entry names only what it sets.
struct KindDef {
  std::string_view kind = {};
  std::string_view help = {};
  std::vector<ParamDef> params = {};
  std::function<std::vector<std::string>(const Params&)> names = {};
  std::function<std::unique_ptr<Indicator>(const Params&)> make = {};
  // Closes read back through History (0 = none).
  std::function<int(const Params&)> history = [](const Params&) { return 0; };
  bool uses_ref = false;
  // Rough batch cost in ns per bar with the default parameters, not counting the shared
  // sub-indicators it reads (measured on the 2-core reference machine). Only used to balance
  // the batch threads; it never changes a result. Every kind sets it (> 0, tested).
  double batch_ns = 0;
};

const std::vector<KindDef>& AllKinds();
const KindDef* FindKind(std::string_view kind);

// Shortest text for a parameter value in a column name: 2 -> "2", 1.5 -> "1.5".
std::string ParamText(double v);

}  // namespace huracan::features
