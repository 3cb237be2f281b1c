#include "features/indicators.h"

#include <charconv>

#include "features/kinds/kind.h"

namespace huracan::features {

const std::vector<KindDef>& AllKinds() {
  // The families in a fixed order (kinds/kind.h); within each, the order of its entries.
  static const std::vector<KindDef> all = [] {
    std::vector<KindDef> v;
    for (auto family : {kinds::TalibKinds, kinds::TrendVolatilityKinds, kinds::VolumeLiquidityKinds,
                        kinds::PatternKinds, kinds::CalendarKinds, kinds::CrossAssetKinds})
      for (KindDef& k : family()) v.push_back(std::move(k));
    return v;
  }();
  return all;
}

const KindDef* FindKind(std::string_view kind) {
  for (const KindDef& k : AllKinds())
    if (k.kind == kind) return &k;
  return nullptr;
}

std::string ParamText(double v) {
  if (v == 0) v = 0;  // no "-0"
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

}  // namespace huracan::features
